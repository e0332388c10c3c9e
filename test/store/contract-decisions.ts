// Store contract: the writes that decide a request's fate under concurrency. A deny that is recorded
// is final; approval re-checks expiry, deny votes and quorum in the same write; one open request per
// action and target; interval slots and abandoned executions are decided once.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import type { Store } from '../../src/store/types.js';
import type { ContractContext } from './contract.js';
import { newRequest, T0 } from './fixtures.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One approver's click as the engine does it: record the vote, then try the conditional approval. */
async function approveClick(store: Store, id: string, userId: string, at: number) {
  await store.castVote({ requestId: id, userId, decision: 'approve', at });
  return store.approveRequest(id, at, userId);
}

export function decisionContract(name: string, ctx: ContractContext): void {
  const { fresh } = ctx;
  describe(`${name} store: approve and deny`, () => {
    it('never approves a request that carries a deny vote, over 60 rounds of concurrent deny and approve', async () => {
      const store = await fresh();
      const outcomes = { approved: 0, denied: 0 };
      for (let round = 0; round < 60; round++) {
        const r = await store.createRequest(newRequest({ target: `provider:p${round}` }));
        const clicks = [
          approveClick(store, r.id, 'U0APP1', T0 + 1),
          store.denyRequest({ requestId: r.id, userId: 'U0DENY', decision: 'deny', at: T0 + 1 }),
          approveClick(store, r.id, 'U0APP2', T0 + 1),
        ];
        if (round % 2) clicks.reverse();
        await Promise.all(clicks);
        const final = await store.getRequest(r.id);
        const votes = await store.listVotes(r.id);
        const denyVote = votes.some((v) => v.decision === 'deny');
        expect(['approved', 'denied']).toContain(final?.state);
        // the deny vote exists exactly when the request was denied: recorded deny == final deny
        expect(denyVote).toBe(final?.state === 'denied');
        outcomes[final?.state as 'approved' | 'denied']++;
      }
      expect(outcomes.approved + outcomes.denied).toBe(60);
    });

    it('does not approve once a deny vote is recorded, even if the denial itself never happened', async () => {
      const store = await fresh();
      const r = await store.createRequest(newRequest());
      // a deny vote written by an older version (vote first, state later) whose second write failed
      await store.castVote({ requestId: r.id, userId: 'U0DENY', decision: 'deny', at: T0 });
      expect(await approveClick(store, r.id, 'U0APP1', T0 + 1)).toBeNull();
      expect((await store.getRequest(r.id))?.state).toBe('pending');
    });

    it('approves only before expiry, with enough approve votes, and only from pending', async () => {
      const store = await fresh();
      const r = await store.createRequest(newRequest({ approvalsRequired: 2, expiresAt: T0 + 1000 }));
      expect(await approveClick(store, r.id, 'U0APP1', T0 + 10)).toBeNull(); // 1 of 2
      await store.castVote({ requestId: r.id, userId: 'U0APP2', decision: 'approve', at: T0 + 20 });
      expect(await store.approveRequest(r.id, T0 + 1000, 'U0APP2')).toBeNull(); // expired at 1000
      const approved = await store.approveRequest(r.id, T0 + 999, 'U0APP2');
      expect(approved).toMatchObject({ state: 'approved', decidedBy: 'U0APP2', decidedAt: T0 + 999 });
      expect(await store.approveRequest(r.id, T0 + 999, 'U0APP2')).toBeNull();
      expect(await store.approveRequest('missing', T0, 'U0APP2')).toBeNull();
    });

    it('records a deny together with the denial, and neither when the request is not pending', async () => {
      const store = await fresh();
      const r = await store.createRequest(newRequest());
      const denied = await store.denyRequest({
        requestId: r.id,
        userId: 'U0DENY',
        decision: 'deny',
        at: T0 + 5,
      });
      expect(denied).toMatchObject({ state: 'denied', decidedBy: 'U0DENY', decidedAt: T0 + 5 });
      expect(await store.listVotes(r.id)).toEqual([
        { requestId: r.id, userId: 'U0DENY', decision: 'deny', at: T0 + 5 },
      ]);
      expect(
        await store.denyRequest({ requestId: r.id, userId: 'U0LATE', decision: 'deny', at: T0 + 6 }),
      ).toBeNull();
      expect(await store.listVotes(r.id)).toHaveLength(1);
      const other = await store.createRequest(newRequest({ target: 'provider:other' }));
      await store.castVote({ requestId: other.id, userId: 'U0APP1', decision: 'approve', at: T0 });
      // a user who already voted cannot deny as well
      expect(
        await store.denyRequest({ requestId: other.id, userId: 'U0APP1', decision: 'deny', at: T0 + 1 }),
      ).toBeNull();
      expect((await store.getRequest(other.id))?.state).toBe('pending');
    });
  });

  describe(`${name} store: one open request per action and target`, () => {
    it('lets exactly one of 20 concurrent creates for the same action and target succeed', async () => {
      const store = await fresh();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => store.createRequest(newRequest({ requester: `U${i}` }))),
      );
      const created = results.filter((r) => r.status === 'fulfilled');
      expect(created).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') {
          expect(r.reason).toBeInstanceOf(AppError);
          expect(r.reason).toMatchObject({ code: 'conflict' });
        }
      }
      expect(await store.listRequests({ states: ['pending'] })).toHaveLength(1);
    });

    it('frees the target when the open request ends, and holds it while approved or running', async () => {
      const store = await fresh();
      const first = await store.createRequest(newRequest());
      await store.transition(first.id, ['pending'], 'running', T0 + 1);
      await expect(store.createRequest(newRequest())).rejects.toMatchObject({ code: 'conflict' });
      // other actions and other targets are separate
      await store.createRequest(newRequest({ action: 'relogin' }));
      await store.createRequest(newRequest({ target: 'provider:iflow' }));
      await store.transition(first.id, ['running'], 'verified', T0 + 2);
      expect((await store.createRequest(newRequest())).state).toBe('pending');
    });

    it('still reports a duplicate request id as a store error, not as an open request', async () => {
      const store = await fresh();
      const r = await store.createRequest(newRequest());
      await store.transition(r.id, ['pending'], 'denied', T0 + 1);
      await expect(store.createRequest(newRequest({ id: r.id }))).rejects.toMatchObject({
        code: 'store_error',
      });
    });
  });

  describe(`${name} store: interval slots and abandoned executions (database clock)`, () => {
    it('gives each interval slot to exactly one of many concurrent claimants', async () => {
      const store = await fresh();
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.claimSlot('snapshotter', `replica-${i}`, 60_000)),
      );
      const won = claims.filter((c) => c !== null);
      expect(won).toHaveLength(1);
      expect((won[0] as number) % 60_000).toBe(0);
      expect(Math.abs((won[0] as number) + 30_000 - Date.now())).toBeLessThan(31_000);
      expect(await store.claimSlot('snapshotter', 'replica-0', 60_000)).toBeNull();
    });

    it('gives the next slot once the interval has turned, and never the same slot twice', async () => {
      const store = await fresh();
      const seen: number[] = [];
      const deadline = Date.now() + 10_000;
      while (seen.length < 4 && Date.now() < deadline) {
        const claims = await Promise.all([
          store.claimSlot('tick', 'a', 200),
          store.claimSlot('tick', 'b', 200),
        ]);
        // two claims in one batch can both win only across a slot boundary: never for the same slot
        const won = claims.filter((c) => c !== null);
        expect(new Set(won).size).toBe(won.length);
        for (const c of claims) if (c !== null) seen.push(c);
        await pause(20);
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThanOrEqual(4);
      const sorted = [...seen].sort((x, y) => x - y);
      expect(sorted.every((c) => c % 200 === 0)).toBe(true);
    });

    it("interrupts a running execution only when its owner's lease has lapsed, once", async () => {
      const store = await fresh();
      const r = await store.createRequest(newRequest());
      await store.claimExecution({ requestId: r.id, target: r.target, owner: 'replica-a', startedAt: T0 });
      expect(await store.tryLease('replica:replica-a', 'replica-a', 300)).toBe(true);
      expect(await store.interruptAbandoned(r.id, 'replica:replica-a')).toBeNull();
      await pause(400);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.interruptAbandoned(r.id, 'replica:replica-a')),
      );
      const moved = results.filter((x) => x !== null);
      expect(moved).toHaveLength(1);
      expect(moved[0]).toMatchObject({ requestId: r.id, owner: 'replica-a', outcome: 'interrupted' });
      // the late owner renews its own lease: nobody took it
      expect(await store.tryLease('replica:replica-a', 'replica-a', 300)).toBe(true);
      expect((await store.listExecutions({ running: true })).map((e) => e.requestId)).toEqual([]);
    });

    it('interrupts an execution whose owner never held a lease', async () => {
      const store = await fresh();
      const r = await store.createRequest(newRequest());
      await store.claimExecution({ requestId: r.id, target: r.target, owner: 'gone', startedAt: T0 });
      expect(await store.interruptAbandoned(r.id, 'replica:gone')).toMatchObject({ outcome: 'interrupted' });
      expect(await store.interruptAbandoned(r.id, 'replica:gone')).toBeNull();
    });
  });
}
