// Before a refresh or re-login request is posted: probe (side-effect free) what this build supports, so
// the request names what will actually run and one approval covers it. At approval time the same probes
// run again: a different build or a different plan turns the request stale.
import type { ManagementClient } from '../cliproxy/types.js';
import { clientProbes, describeLogin, type LoginRoute } from '../domain/actions/alternatives.js';
import { loginRouteName } from '../domain/actions/login-routes.js';
import { describePlan, type Fallback, planKey, planRefresh } from '../domain/actions/refresh-plan.js';
import { describeError } from '../errors.js';
import type { ActionName, ApprovalRequest } from '../store/types.js';
import type { EngineContext } from './context.js';
import { paramsOf } from './request-data.js';

export type PlannedParams = {
  fallback: Fallback | null;
  login: LoginRoute | null;
  planKey: string | null;
  /** Replaces the default plan sentence when set. */
  plan?: string;
  /** A re-login fallback needs the approvals of both actions: the larger count. */
  approvals?: number;
};

const NONE: PlannedParams = { fallback: null, login: null, planKey: null };

/** The plan of a new request. Probe failures leave the request unplanned (seed route, then offers). */
export async function planNewRequest(
  ctx: EngineContext,
  client: ManagementClient,
  input: { action: ActionName; provider: string; method?: string | undefined },
): Promise<PlannedParams> {
  const probes = ctx.probes ?? clientProbes(client);
  if (input.action === 'relogin') {
    const login: LoginRoute = (await probes.loginRoute(input.provider).catch(() => undefined)) ?? {
      name: loginRouteName(input.provider) ?? input.provider,
      answer: 'unprobed',
      method: undefined,
      methods: [],
    };
    return {
      ...NONE,
      login,
      plan: `start a login (${describeLogin(login)}), send the login URL / device code to the approver alone (privately), poll until it completes, then verify and run a canary.`,
    };
  }
  if (input.action !== 'refresh' || (input.method !== undefined && input.method !== 'seed')) return NONE;
  try {
    const plan = await planRefresh(probes, input.provider);
    const approvals =
      plan.fallback === 'relogin'
        ? Math.max(ctx.policy.actions.refresh.approvals, ctx.policy.actions.relogin.approvals)
        : undefined;
    return {
      fallback: plan.fallback,
      login: plan.login,
      planKey: planKey(plan),
      plan: describePlan(input.provider, plan),
      ...(approvals !== undefined ? { approvals } : {}),
    };
  } catch (err) {
    ctx.logger.warn({ err: describeError(err).code }, 'could not probe the build for a refresh plan');
    return NONE;
  }
}

/** Why a planned request no longer fits the build (stale), or undefined while it still does. */
export async function planChange(
  ctx: EngineContext,
  client: ManagementClient,
  request: ApprovalRequest,
): Promise<string | undefined> {
  const params = paramsOf(request);
  if (request.action !== 'refresh' || !params.planKey) return undefined;
  const now = client.serverVersion;
  if (params.serverVersion && now && now !== params.serverVersion) {
    return `The proxy build changed since the request was made (${params.serverVersion} → ${now}): what the request would run may not fit it. Request again.`;
  }
  const plan = await planRefresh(ctx.probes ?? clientProbes(client), params.provider);
  if (planKey(plan) !== params.planKey) {
    return `What the proxy supports changed since the request was made (planned ${params.planKey}, now ${planKey(plan)}). Request again.`;
  }
  return undefined;
}
