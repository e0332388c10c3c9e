// One click on Approve or Deny: checked on the verified user id, recorded once, decided atomically.
import { readTargetState } from '../domain/actions/target.js';
import { groupsToResolve } from '../domain/approvals/authorize.js';
import { describeChange, fingerprintTarget } from '../domain/approvals/fingerprint.js';
import { countApprovals, decideVote } from '../domain/approvals/vote.js';
import { describeError, formatError } from '../errors.js';
import { md } from '../slack/mrkdwn.js';
import type { ApprovalRequest } from '../store/types.js';
import { type EngineContext, refreshMessage, reply, type Scoped, scope, tell } from './context.js';
import { groupsOf } from './group-resolver.js';
import { planChange } from './plan-request.js';
import { paramsOf } from './request-data.js';
import { type Claim, claimExecution } from './run-execution.js';

export interface VoteInput {
  requestId: string;
  userId: string; // body.user.id of the verified payload
  channel: string;
  decision: 'approve' | 'deny';
}

export type VoteOutcome = 'refused' | 'counted' | 'approved' | 'denied' | 'stale' | 'expired';

export const EXPIRED_REPLY =
  ':alarm_clock: Expired without enough approvals. Nothing was changed; ask again if it is still needed.';

/** Moves a pending request past its expiry to expired (atomically) and updates its message. */
export async function expireRequest(ctx: EngineContext, s: Scoped, request: ApprovalRequest): Promise<void> {
  const now = ctx.now();
  const moved = await ctx.store.transition(request.id, ['pending'], 'expired', now, {
    decidedBy: 'system',
    decidedAt: now,
  });
  if (!moved) return;
  await s.audit('request.expired', null, { expiresAt: request.expiresAt });
  await refreshMessage(ctx, s, moved);
  await reply(s, moved, EXPIRED_REPLY);
}

async function checkTargetUnchanged(
  ctx: EngineContext,
  s: Scoped,
  request: ApprovalRequest,
  userId: string,
): Promise<boolean> {
  // --- plugged actions (rollback): the plugin re-reads its own target ---
  const plugin = ctx.plugins?.get(request.action);
  if (plugin) {
    const current = await plugin.recheck(s.client, request);
    if (current.fingerprint === request.fingerprint) return true;
    const why = `The target changed since the request was made (${current.change}). Request again if it is still needed.`;
    return markStale(ctx, s, request, userId, why, current.fingerprint);
  }
  // --- end plugged actions ---
  const params = paramsOf(request);
  let fresh: Awaited<ReturnType<typeof readTargetState>>;
  try {
    fresh = await readTargetState(s.client, {
      provider: params.provider,
      credential: params.credential ?? undefined,
    });
  } catch (err) {
    const d = describeError(err);
    if (d.code !== 'not_found') throw err;
    fresh = [];
  }
  if (fingerprintTarget(fresh) === request.fingerprint) {
    const changed = await planChange(ctx, s.client, request); // a planned refresh: same build, same plan?
    return changed === undefined || markStale(ctx, s, request, userId, changed, request.fingerprint);
  }
  const why = `The target changed since the request was made (${describeChange(params.states, fresh)}): someone may already have fixed it. Check /auth-status and request again if needed.`;
  return markStale(ctx, s, request, userId, why, fingerprintTarget(fresh));
}

/** Moves a pending request to stale (atomically), says why in its message and thread. Always false. */
async function markStale(
  ctx: EngineContext,
  s: Scoped,
  request: ApprovalRequest,
  userId: string,
  why: string,
  fingerprint: string,
): Promise<false> {
  const now = ctx.now();
  const moved = await ctx.store.transition(request.id, ['pending'], 'stale', now, {
    decidedBy: 'system',
    decidedAt: now,
    result: { reason: why },
  });
  if (moved) {
    await s.audit('request.stale', userId, { reason: why, fingerprint });
    await refreshMessage(ctx, s, moved);
    await reply(s, moved, md`:warning: Stale: ${why}`);
  }
  return false;
}

export async function castVote(
  ctx: EngineContext,
  input: VoteInput,
  onApproved: (request: ApprovalRequest, claim: Claim, clickedAt: number) => void,
): Promise<VoteOutcome> {
  // the result is due 10 s after this click, which the target re-read below already spends from
  const clickedAt = ctx.now();
  const s = scope(ctx, input.requestId);
  const request = await ctx.store.getRequest(input.requestId);
  if (!request) {
    await tell(
      s,
      input.channel,
      input.userId,
      'This request is unknown to the bot (it may belong to another installation).',
    );
    return 'refused';
  }
  const refuse = async (code: string, message: string): Promise<VoteOutcome> => {
    await s.audit('vote.refused', input.userId, { decision: input.decision, code });
    await tell(s, input.channel, input.userId, `:no_entry: ${message}`);
    return 'refused';
  };
  const memberOf = ctx.policy.approvers.users.includes(input.userId)
    ? []
    : await groupsOf(ctx.resolveGroupMembers, groupsToResolve(ctx.policy, 'approver'), input.userId);
  const votes = await ctx.store.listVotes(request.id);
  const click = { userId: input.userId, decision: input.decision, memberOf };
  const decision = decideVote(request, votes, click, ctx.policy, ctx.now());
  if (decision.kind === 'refuse') {
    if (decision.code === 'expired') await expireRequest(ctx, s, request);
    return refuse(decision.code, decision.message);
  }
  if (input.decision === 'approve') {
    try {
      if (!(await checkTargetUnchanged(ctx, s, request, input.userId))) {
        return refuse(
          'stale',
          'The target changed since the request was made, so the request is now stale (see its thread).',
        );
      }
    } catch (err) {
      return refuse(
        'check_failed',
        md`Could not check the target before approving: ${formatError(describeError(err))}`,
      );
    }
  }
  const at = ctx.now();
  if (input.decision === 'deny') return deny(ctx, s, input, at, refuse);
  if (!(await ctx.store.castVote({ requestId: request.id, userId: input.userId, decision: 'approve', at }))) {
    return refuse('already_voted', 'You have already voted on this request.');
  }
  await s.audit('vote.cast', input.userId, { decision: input.decision });
  const approvals = countApprovals(await ctx.store.listVotes(request.id));
  if (approvals < request.approvalsRequired) {
    const current = (await ctx.store.getRequest(request.id)) ?? request;
    await refreshMessage(ctx, s, current);
    await reply(
      s,
      current,
      `:ballot_box_with_check: <@${input.userId}> approved (${approvals} of ${request.approvalsRequired}).`,
    );
    return 'counted';
  }
  // one conditional write: still pending, not expired now (after the target re-read above), no deny
  // vote, enough approve votes; a deny recorded at any moment before it wins
  const approved = await ctx.store.approveRequest(request.id, ctx.now(), input.userId);
  if (!approved) return lateClick(ctx, s, input);
  await s.audit('request.approved', input.userId, { approvals });
  // claim before any Slack I/O (its retries can take minutes): an approved request never waits unclaimed
  const claim = await claimExecution(ctx, approved);
  try {
    await refreshMessage(ctx, s, approved);
    await reply(
      s,
      approved,
      `:white_check_mark: Approved by <@${input.userId}> (${approvals} of ${request.approvalsRequired}). Running it now.`,
    );
  } finally {
    onApproved(approved, claim, clickedAt);
  }
  return 'approved';
}

/**
 * A deny: the vote and the move to denied are one atomic store write, so a deny that is recorded is
 * final (no approval can pass after it, and no store failure can leave the vote without the denial).
 */
async function deny(
  ctx: EngineContext,
  s: Scoped,
  input: VoteInput,
  at: number,
  refuse: (code: string, message: string) => Promise<VoteOutcome>,
): Promise<VoteOutcome> {
  const vote = { requestId: input.requestId, userId: input.userId, decision: 'deny' as const, at };
  const denied = await ctx.store.denyRequest(vote);
  if (!denied) {
    const votes = await ctx.store.listVotes(input.requestId);
    if (votes.some((v) => v.userId === input.userId))
      return refuse('already_voted', 'You have already voted on this request.');
    return lateClick(ctx, s, input);
  }
  await s.audit('vote.cast', input.userId, { decision: 'deny' });
  await s.audit('request.denied', input.userId, {});
  await refreshMessage(ctx, s, denied);
  await reply(s, denied, `:no_entry_sign: Denied by <@${input.userId}>. Nothing was changed.`);
  return 'denied';
}

/** Someone else's click (or the clock) won the race: explain what happened instead. */
async function lateClick(ctx: EngineContext, s: Scoped, input: VoteInput): Promise<VoteOutcome> {
  const current = await ctx.store.getRequest(input.requestId);
  if (!current) return 'refused';
  const d = decideVote(
    current,
    [],
    { userId: input.userId, decision: input.decision, memberOf: [] },
    ctx.policy,
    ctx.now(),
  );
  if (d.kind === 'refuse') {
    if (d.code === 'expired') await expireRequest(ctx, s, current);
    await s.audit('vote.refused', input.userId, { decision: input.decision, code: d.code });
    await tell(s, input.channel, input.userId, `:no_entry: ${d.message}`);
  }
  return 'refused';
}
