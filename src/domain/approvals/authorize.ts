// Who may do what, per policy. Group membership is resolved by the caller (at click time) and passed in.
import type { Policy, Principals } from './policy.js';
import { hasApprovers } from './policy.js';

export function isListed(principals: Principals, userId: string, memberOf: readonly string[]): boolean {
  return principals.users.includes(userId) || principals.usergroups.some((g) => memberOf.includes(g));
}

export function isApprover(policy: Policy, userId: string, memberOf: readonly string[]): boolean {
  return isListed(policy.approvers, userId, memberOf);
}

/** Groups whose membership matters for this user (so the caller resolves only those). */
export function groupsToResolve(policy: Policy, role: 'approver' | 'requester'): string[] {
  if (role === 'approver') return policy.approvers.usergroups;
  return policy.requesters?.usergroups ?? [];
}

/** The allowed channels as mentions when `channel` is not one of them; undefined when it is (or none are set). */
export function channelRefusal(policy: Pick<Policy, 'channels'>, channel: string): string | undefined {
  if (policy.channels.length === 0 || policy.channels.includes(channel)) return undefined;
  return policy.channels.map((c) => `<#${c}>`).join(', ');
}

export type RequestCheck = { ok: true } | { ok: false; reason: string };

/** May this user ask for a change in this channel? */
export function checkRequester(
  policy: Policy,
  channel: string,
  userId: string,
  memberOf: readonly string[],
): RequestCheck {
  if (policy.unconfigured !== undefined || !hasApprovers(policy)) {
    return {
      ok: false,
      reason:
        policy.unconfigured ??
        'The approval policy lists no approvers, so changes cannot be approved. Add approvers to the policy file and restart the bot.',
    };
  }
  const list = channelRefusal(policy, channel);
  if (list !== undefined) {
    return { ok: false, reason: `Changes can only be requested in ${list} (policy \`channels\`).` };
  }
  if (policy.requesters !== undefined && !isListed(policy.requesters, userId, memberOf)) {
    return {
      ok: false,
      reason: 'You are not on the list of people who may request changes (policy `requesters`).',
    };
  }
  return { ok: true };
}
