// Does this click count? Pure: the request, the votes so far, the click (with the clicker's resolved
// groups), the policy and the time in; a decision out. The store then records it atomically.
import type { ApprovalRequest, Vote } from '../../store/types.js';
import { isApprover } from './authorize.js';
import type { Policy } from './policy.js';
import { STATE_LABELS } from './state.js';

export interface Click {
  userId: string; // from the verified payload (body.user.id), never from the button value
  decision: 'approve' | 'deny';
  /** The approver groups this user belongs to, resolved at click time. */
  memberOf: readonly string[];
}

export type RefusalCode = 'not_pending' | 'expired' | 'not_approver' | 'self_approval' | 'already_voted';

export type VoteDecision =
  | { kind: 'refuse'; code: RefusalCode; message: string }
  | { kind: 'accept'; approvals: number; required: number }
  | { kind: 'quorum-reached'; approvals: number; required: number }
  | { kind: 'denied' };

export function formatWhen(at: number): string {
  const iso = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<!date^${Math.floor(at / 1000)}^{date_short_pretty} {time_secs}|${iso}>`;
}

function describeDecided(request: ApprovalRequest): string {
  const label = STATE_LABELS[request.state].toLowerCase();
  const who = request.decidedBy && request.decidedBy !== 'system' ? ` by <@${request.decidedBy}>` : '';
  const when = request.decidedAt ? ` at ${formatWhen(request.decidedAt)}` : '';
  const verb = ['approved', 'running', 'verified', 'failed', 'interrupted'].includes(request.state)
    ? `already approved${who}${when} (now: ${label})`
    : `already ${label}${who}${when}`;
  return `This request was ${verb}; your click changed nothing.`;
}

/** Distinct users whose approvals count. */
export function countApprovals(votes: readonly Vote[]): number {
  return new Set(votes.filter((v) => v.decision === 'approve').map((v) => v.userId)).size;
}

export function decideVote(
  request: ApprovalRequest,
  votes: readonly Vote[],
  click: Click,
  policy: Policy,
  now: number,
): VoteDecision {
  if (request.state !== 'pending')
    return { kind: 'refuse', code: 'not_pending', message: describeDecided(request) };
  if (now >= request.expiresAt) {
    return {
      kind: 'refuse',
      code: 'expired',
      message: `This request expired at ${formatWhen(request.expiresAt)}; ask again.`,
    };
  }
  if (!isApprover(policy, click.userId, click.memberOf)) {
    return {
      kind: 'refuse',
      code: 'not_approver',
      message: 'You are not an approver for this action (policy `approvers`).',
    };
  }
  const actionPolicy = policy.actions[request.action];
  if (click.userId === request.requester && !actionPolicy.selfApproval && click.decision === 'approve') {
    return {
      kind: 'refuse',
      code: 'self_approval',
      message:
        'You asked for this change, so you cannot approve it yourself (policy `self_approval: false`).',
    };
  }
  if (votes.some((v) => v.userId === click.userId)) {
    return { kind: 'refuse', code: 'already_voted', message: 'You have already voted on this request.' };
  }
  if (click.decision === 'deny') return { kind: 'denied' };
  const approvals = countApprovals(votes) + 1;
  const required = request.approvalsRequired;
  return approvals >= required
    ? { kind: 'quorum-reached', approvals, required }
    : { kind: 'accept', approvals, required };
}
