import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../src/domain/approvals/load-policy.js';
import { type Click, countApprovals, decideVote } from '../../../src/domain/approvals/vote.js';
import type { ApprovalRequest, RequestState, Vote } from '../../../src/store/types.js';

const policy = parsePolicy(
  'approvers: {users: [U0ALICE, U0BOB, U0REQ], usergroups: [S0ONCALL]}\nactions: {rollback: {approvals: 2}}\n',
  'p.yml',
);
const NOW = 1_700_000_000_000;

function request(over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'r1',
    action: 'refresh',
    target: 'provider:kiro',
    params: {},
    requester: 'U0REQ',
    channel: 'C0INC',
    messageTs: '1.1',
    state: 'pending',
    approvalsRequired: 1,
    fingerprint: 'fp',
    createdAt: NOW - 1000,
    expiresAt: NOW + 60_000,
    updatedAt: NOW - 1000,
    decidedBy: null,
    decidedAt: null,
    result: null,
    ...over,
  };
}
const click = (userId: string, decision: Click['decision'] = 'approve', memberOf: string[] = []): Click => ({
  userId,
  decision,
  memberOf,
});

describe('decideVote', () => {
  it('reaches quorum with one approval from an eligible approver', () => {
    expect(decideVote(request(), [], click('U0ALICE'), policy, NOW)).toEqual({
      kind: 'quorum-reached',
      approvals: 1,
      required: 1,
    });
  });

  it('accepts a member of an approver group', () => {
    expect(decideVote(request(), [], click('U0CAROL', 'approve', ['S0ONCALL']), policy, NOW).kind).toBe(
      'quorum-reached',
    );
  });

  it('refuses a non-approver', () => {
    expect(decideVote(request(), [], click('U0MALLORY'), policy, NOW)).toMatchObject({
      code: 'not_approver',
    });
  });

  it('refuses self-approval unless the policy allows it', () => {
    expect(decideVote(request(), [], click('U0REQ'), policy, NOW)).toMatchObject({ code: 'self_approval' });
    const lax = parsePolicy('approvers: {users: [U0REQ]}\nactions: {refresh: {self_approval: true}}', 'p');
    expect(decideVote(request(), [], click('U0REQ'), lax, NOW).kind).toBe('quorum-reached');
  });

  it('lets the requester deny their own request', () => {
    expect(decideVote(request(), [], click('U0REQ', 'deny'), policy, NOW)).toEqual({ kind: 'denied' });
  });

  it('refuses a second vote by the same person', () => {
    const votes: Vote[] = [{ requestId: 'r1', userId: 'U0ALICE', decision: 'approve', at: NOW }];
    const r = request({ approvalsRequired: 2 });
    expect(decideVote(r, votes, click('U0ALICE'), policy, NOW)).toMatchObject({ code: 'already_voted' });
    expect(decideVote(r, votes, click('U0BOB'), policy, NOW)).toMatchObject({
      kind: 'quorum-reached',
      approvals: 2,
    });
  });

  it('counts towards a quorum of 2', () => {
    expect(decideVote(request({ approvalsRequired: 2 }), [], click('U0ALICE'), policy, NOW)).toEqual({
      kind: 'accept',
      approvals: 1,
      required: 2,
    });
  });

  it('refuses expired requests', () => {
    expect(decideVote(request({ expiresAt: NOW }), [], click('U0ALICE'), policy, NOW)).toMatchObject({
      code: 'expired',
    });
  });

  it('says who approved when a late click arrives', () => {
    const d = decideVote(
      request({ state: 'verified', decidedBy: 'U0BOB', decidedAt: NOW - 5000 }),
      [],
      click('U0ALICE'),
      policy,
      NOW,
    );
    expect(d).toMatchObject({ kind: 'refuse', code: 'not_pending' });
    if (d.kind === 'refuse') expect(d.message).toMatch(/already approved by <@U0BOB> at .*Z>/);
  });

  it('never lets a vote count twice (property)', () => {
    const users = fc.constantFrom('U0ALICE', 'U0BOB', 'U0REQ', 'U0MALLORY', 'U0CAROL');
    const states = fc.constantFrom<RequestState>('pending', 'approved', 'denied', 'expired', 'running');
    fc.assert(
      fc.property(
        fc.array(fc.record({ user: users, deny: fc.boolean(), groups: fc.boolean() }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 3 }),
        states,
        fc.integer({ min: -5000, max: 5000 }),
        (clicks, required, state, skew) => {
          // simulate the engine: record a vote only when decideVote accepts it
          const votes: Vote[] = [];
          const r = request({ approvalsRequired: required, state, expiresAt: NOW + skew });
          let quorum = false;
          for (const c of clicks) {
            const before = countApprovals(votes);
            const d = decideVote(
              r,
              votes,
              click(c.user, c.deny ? 'deny' : 'approve', c.groups ? ['S0ONCALL'] : []),
              policy,
              NOW,
            );
            if (d.kind === 'refuse') continue;
            expect(state).toBe('pending');
            expect(NOW).toBeLessThan(r.expiresAt);
            expect(votes.some((v) => v.userId === c.user)).toBe(false);
            votes.push({ requestId: 'r1', userId: c.user, decision: c.deny ? 'deny' : 'approve', at: NOW });
            if (d.kind === 'accept' || d.kind === 'quorum-reached') {
              expect(d.approvals).toBe(before + 1);
              expect(c.user).not.toBe('U0REQ');
            }
            if (d.kind === 'quorum-reached') quorum = true;
          }
          expect(new Set(votes.map((v) => v.userId)).size).toBe(votes.length);
          if (quorum) expect(countApprovals(votes)).toBeGreaterThanOrEqual(required);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
