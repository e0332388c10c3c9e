// A refresh, planned before approval: the seed route (which cannot be probed without calling it, so it is
// tried first), then the fallback this build was probed to support (the legacy Kiro refresh, else a
// re-login), all under one approval. Executing the plan runs the fallback only when the seed route is
// missing.
import { describeLogin, LEGACY_KIRO_WORDS, type LoginRoute, type RouteProbes } from './alternatives.js';
import { executeLegacyKiroRefresh, executeRefresh } from './execute.js';
import { executeRelogin, type ReloginOptions } from './relogin.js';
import type { ActionDeps, ExecuteOutcome } from './types.js';

export type Fallback = 'legacy' | 'relogin';

export interface RefreshPlan {
  fallback: Fallback | null;
  /** The login route, when the fallback is a re-login. */
  login: LoginRoute | null;
  /** The legacy route was found by a probe ('present') or offered unprobed ('unknown'). */
  legacy: 'present' | 'unknown' | null;
}

/** Probes (side-effect free) and picks the fallback: legacy Kiro refresh where present, else re-login. */
export async function planRefresh(probes: RouteProbes, provider: string): Promise<RefreshPlan> {
  const legacy = provider === 'kiro' ? await probes.legacyKiroRefresh() : 'missing';
  if (legacy === 'present') return { fallback: 'legacy', login: null, legacy };
  const login = await probes.loginRoute(provider);
  if (login) return { fallback: 'relogin', login, legacy: null };
  if (legacy === 'unknown') return { fallback: 'legacy', login: null, legacy };
  return { fallback: null, login: null, legacy: null };
}

/** A stable key of what the plan would run: a different key at approval time means the build changed. */
export function planKey(plan: RefreshPlan): string {
  if (plan.fallback === 'legacy') return `legacy:${plan.legacy}`;
  if (plan.fallback === 'relogin' && plan.login) {
    return `relogin:${plan.login.name}:${plan.login.method ?? ''}:${plan.login.answer}`;
  }
  return 'seed-only';
}

/** What the request says the bot will do, one paragraph. */
export function describePlan(provider: string, plan: RefreshPlan): string {
  const seed = `call POST /v0/management/auths/${provider}/refresh`;
  const verify = 'then verify the expiry moved forward and run a canary.';
  if (plan.fallback === 'legacy') {
    const found =
      plan.legacy === 'present' ? 'a probe found it on this build' : 'unprobed: the probe could not tell';
    return `${seed}; where that route is missing (no public build has it), call ${LEGACY_KIRO_WORDS} (${found}); ${verify}`;
  }
  if (plan.fallback === 'relogin' && plan.login) {
    return `${seed}; where that route is missing (no public build has it), log in again through ${describeLogin(plan.login)}: the approver alone is sent the login URL / device code (privately), and the bot polls until it completes; ${verify}`;
  }
  return `${seed}, ${verify} This build offers no other refresh or login route for ${provider}: if it has no such route, the bot offers what it supports instead.`;
}

/** The short name of what will actually run on a build without the seed route (request titles). */
export function fallbackTitle(plan: { fallback?: Fallback | null }): string {
  if (plan.fallback === 'legacy') return 'legacy Kiro refresh, every Kiro file';
  if (plan.fallback === 'relogin') return 're-login';
  return '';
}

export interface PlannedHooks {
  /** Said in the thread before the fallback runs (the seed route was missing). */
  onFallback: (words: string) => Promise<void>;
  relogin: Omit<ReloginOptions, 'method'>;
}

/** Runs the seed route, then the planned fallback when (and only when) the route is missing. */
export async function executePlannedRefresh(
  deps: ActionDeps,
  provider: string,
  plan: Pick<RefreshPlan, 'fallback' | 'login'>,
  hooks: PlannedHooks,
): Promise<ExecuteOutcome> {
  const first = await executeRefresh(deps.client, provider);
  if (first.kind !== 'route_missing' || plan.fallback === null) return first;
  if (plan.fallback === 'legacy') {
    await hooks.onFallback(`${first.summary} Running the planned fallback: ${LEGACY_KIRO_WORDS}.`);
    return executeLegacyKiroRefresh(deps.client);
  }
  if (!plan.login) return first;
  await hooks.onFallback(
    `${first.summary} Running the planned fallback: re-login (${describeLogin(plan.login)}).`,
  );
  return executeRelogin(deps, plan.login.name, { ...hooks.relogin, method: plan.login.method });
}
