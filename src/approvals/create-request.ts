// Creating a request: who may ask, where; the target's current state (shown and fingerprinted);
// cooldown and one-at-a-time per target; then the request message with Approve / Deny.
import { readTargetState } from '../domain/actions/target.js';
import { checkRequester, groupsToResolve } from '../domain/approvals/authorize.js';
import type { CredentialState } from '../domain/approvals/fingerprint.js';
import { fingerprintTarget } from '../domain/approvals/fingerprint.js';
import { unreachableQuorum } from '../domain/approvals/policy.js';
import { formatWhen } from '../domain/approvals/vote.js';
import { AppError, describeError, formatError } from '../errors.js';
import { md, unescapeMrkdwn } from '../slack/mrkdwn.js';
import { renderRequest } from '../slack/views/request.js';
import type { ActionName, ApprovalRequest } from '../store/types.js';
import { type EngineContext, type Scoped, scope, tell } from './context.js';
import { openPluggedRequest } from './create-plugged.js';
import { groupsOf } from './group-resolver.js';
import { planNewRequest } from './plan-request.js';
import { type RefreshMethod, type RequestParams, targetOf } from './request-data.js';

export interface NewRequestInput {
  userId: string;
  channel: string;
  action: ActionName;
  provider: string;
  credential: string | undefined;
  method?: RefreshMethod;
  parentId?: string;
  source?: string;
  /** Plugged actions only (rollback): the plugin's arguments, e.g. { snapshotId }. */
  args?: Record<string, unknown>;
}

export type CreateResult = { ok: true; request: ApprovalRequest } | { ok: false; reason: string };

function planOf(input: NewRequestInput, states: CredentialState[], credentials: string[]): string {
  const names = credentials.join(', ');
  switch (input.action) {
    case 'refresh':
      return input.method === 'legacy'
        ? 'call POST /v0/oauth/kiro/refresh (refreshes every kiro-*.json), then verify the expiry moved and run a canary.'
        : `call POST /v0/management/auths/${input.provider}/refresh, then verify the expiry moved forward and run a canary. If this build has no such route, offer what it supports instead.`;
    case 'relogin':
      return `start a login (GET /v0/management/${input.provider}-auth-url), send the login URL / device code to the approver alone (privately), poll until it completes, then verify and run a canary.`;
    case 'reenable':
      return `re-enable ${names || 'nothing'} (PATCH /v0/management/auth-files/status, disabled: false), then verify status active and run a canary (${states.length} credential(s) read).`;
    case 'rollback': // plugged: its plan comes from the plugin
      return 'roll config.yaml back to a snapshot';
    case 'reset-cooldown': // plugged: its plan comes from the plugin
      return "clear a credential's cooldown";
  }
}

/** Re-applying what the last rollback replaced (its pre-rollback snapshot) is its undo: no cooldown for that. */
function undoesLast(input: NewRequestInput, last: ApprovalRequest): boolean {
  const snapshotId = input.args?.snapshotId;
  return (
    input.action === 'rollback' &&
    typeof snapshotId === 'string' &&
    last.result?.preRollbackSnapshot === snapshotId
  );
}

async function refuse(
  ctx: EngineContext,
  s: Scoped,
  input: NewRequestInput,
  reason: string,
): Promise<CreateResult> {
  // `reason` is mrkdwn for Slack; the audit trail and the log keep its plain text (escaped again on rendering)
  const plain = unescapeMrkdwn(reason);
  await s.audit('request.refused', input.userId, {
    action: input.action,
    provider: input.provider,
    reason: plain,
  });
  await tell(s, input.channel, input.userId, `:no_entry: ${reason}`);
  ctx.logger.info({ user: input.userId, action: input.action, reason: plain }, 'request refused');
  return { ok: false, reason };
}

/** An open request that blocks a new one: same action on the target, or anything approved or running on it. */
async function findClash(
  ctx: EngineContext,
  action: ActionName,
  target: string,
): Promise<ApprovalRequest | undefined> {
  const active = await ctx.store.listRequests({ states: ['pending', 'approved', 'running'], limit: 200 });
  return active.find((r) => r.target === target && (r.action === action || r.state !== 'pending'));
}

const clashReason = (clash: ApprovalRequest, provider: string) =>
  `Request \`${clash.id}\` (${clash.action}, ${clash.state}) is already open for ${provider}; one change per target at a time.`;

/**
 * The store refused the insert because a request for the same action and target was opened meanwhile
 * (the unique index decides between concurrent creates): answer as if the check above had seen it.
 */
async function refuseLostRace(
  ctx: EngineContext,
  s: Scoped,
  input: NewRequestInput,
  target: string,
  err: unknown,
): Promise<CreateResult> {
  if (!(err instanceof AppError) || err.code !== 'conflict') throw err;
  const clash = await findClash(ctx, input.action, target);
  return refuse(
    ctx,
    s,
    input,
    clash
      ? clashReason(clash, input.provider)
      : `Another ${input.action} request for ${input.provider} was opened at the same moment; one change per target at a time.`,
  );
}

export async function createRequest(ctx: EngineContext, input: NewRequestInput): Promise<CreateResult> {
  const id = ctx.newId();
  const s = scope(ctx, id);
  const memberOf = await groupsOf(
    ctx.resolveGroupMembers,
    groupsToResolve(ctx.policy, 'requester'),
    input.userId,
  );
  const allowed = checkRequester(ctx.policy, input.channel, input.userId, memberOf);
  if (!allowed.ok) return refuse(ctx, s, input, allowed.reason);
  const noQuorum = unreachableQuorum(ctx.policy, input.action);
  if (noQuorum) return refuse(ctx, s, input, `${noQuorum} Nothing was requested.`);

  const plugin = ctx.plugins?.get(input.action); // plugged actions (rollback, reset-cooldown)
  const target = plugin ? (plugin.targetFor?.(input.args ?? {}) ?? plugin.target) : targetOf(input.provider);
  const actionPolicy = ctx.policy.actions[input.action];
  const now = ctx.now();
  // only a change that worked starts the cooldown: a failed or interrupted one may be retried (or its offered
  // alternative requested) at once
  const last = await ctx.store.lastFinished(input.action, target, ['verified']);
  const lastAt = last ? (last.decidedAt ?? last.updatedAt) : undefined;
  if (
    last &&
    lastAt !== undefined &&
    !undoesLast(input, last) &&
    actionPolicy.cooldownMs > 0 &&
    now - last.updatedAt < actionPolicy.cooldownMs
  ) {
    const until = last.updatedAt + actionPolicy.cooldownMs;
    return refuse(
      ctx,
      s,
      input,
      `${input.action} of ${input.provider} is cooling down after request \`${last.id}\`; try again after ${formatWhen(until)} (policy \`cooldown\`).`,
    );
  }
  const clash = await findClash(ctx, input.action, target);
  if (clash) return refuse(ctx, s, input, clashReason(clash, input.provider));

  // --- plugged actions (rollback): the plugin reads its own target ---
  if (plugin) {
    try {
      const opened = await openPluggedRequest(ctx, s, plugin, { ...input, id, target, now }, actionPolicy);
      return opened.ok ? opened : refuse(ctx, s, input, opened.reason);
    } catch (err) {
      return refuseLostRace(ctx, s, input, target, err);
    }
  }
  // --- end plugged actions ---
  let states: CredentialState[];
  try {
    states = await readTargetState(s.client, { provider: input.provider, credential: input.credential });
  } catch (err) {
    const d = describeError(err);
    if (d.code === 'bad_usage') return refuse(ctx, s, input, md`${formatError(d)}`); // e.g. another provider's credential
    return refuse(ctx, s, input, md`Cannot read ${input.provider}'s credentials: ${formatError(d)}`);
  }
  const credentials =
    input.action === 'reenable'
      ? states
          .filter((st) => st.disabled || st.statusMessage === 'unauthorized' || st.status === 'disabled')
          .map((st) => st.name)
      : states.filter((st) => !st.disabled).map((st) => st.name);
  if (input.action === 'reenable' && credentials.length === 0) {
    return refuse(
      ctx,
      s,
      input,
      `No ${input.provider} credential is disabled or unauthorized; nothing to re-enable.`,
    );
  }
  const planned = await planNewRequest(ctx, s.client, input); // side-effect-free probes of this build
  const params: RequestParams = {
    provider: input.provider,
    credential: input.credential ?? null,
    method: input.action === 'refresh' ? (input.method ?? 'seed') : null,
    credentials,
    states,
    serverVersion: s.client.serverVersion ?? null,
    plan: planned.plan ?? planOf(input, states, credentials),
    parentId: input.parentId ?? null,
    source: input.source ?? null,
    fallback: planned.fallback,
    login: planned.login,
    planKey: planned.planKey,
  };
  let request: ApprovalRequest;
  try {
    request = await ctx.store.createRequest({
      id,
      action: input.action,
      target,
      params: params as unknown as Record<string, unknown>,
      requester: input.userId,
      channel: input.channel,
      state: 'pending',
      approvalsRequired: planned.approvals ?? actionPolicy.approvals,
      fingerprint: fingerprintTarget(states),
      createdAt: now,
      expiresAt: now + actionPolicy.ttlMs,
    });
  } catch (err) {
    return refuseLostRace(ctx, s, input, target, err);
  }
  await s.audit('request.created', input.userId, {
    action: input.action,
    target,
    provider: input.provider,
    credential: input.credential ?? null,
    method: params.method,
    fallback: params.fallback,
    planKey: params.planKey,
    parentId: params.parentId,
    source: params.source,
    approvalsRequired: request.approvalsRequired,
    expiresAt: request.expiresAt,
    fingerprint: request.fingerprint,
  });
  const ts = await s.messenger.postRequest(input.channel, renderRequest(request, []));
  if (ts === null) {
    await tell(
      s,
      input.channel,
      input.userId,
      `:warning: Request \`${id}\` was recorded but Slack refused the message; it will expire unanswered.`,
    );
    return { ok: true, request };
  }
  await ctx.store.setMessageTs(id, ts);
  return { ok: true, request: { ...request, messageTs: ts } };
}
