// Store contract: votes, the execution ledger, audit, leases and durability.
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract.js';
import { newRequest, T0 } from './fixtures.js';

export function coordinationContract(name: string, ctx: ContractContext): void {
  const { fresh, openAt, harness } = ctx;
  describe(`${name} store: votes`, () => {
    it('records exactly one of 50 concurrent votes by the same user', async () => {
      const store = await fresh();
      const r = await store.createRequest(newRequest());
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.castVote({
            requestId: r.id,
            userId: 'U0ALICE',
            decision: i % 2 ? 'deny' : 'approve',
            at: T0 + i,
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.listVotes(r.id)).toHaveLength(1);
    });

    it('lists the votes of different users in the order they were cast', async () => {
      const store = await fresh();
      const r = await store.createRequest(newRequest());
      expect(
        await store.castVote({ requestId: r.id, userId: 'U0BOB', decision: 'approve', at: T0 + 2 }),
      ).toBe(true);
      expect(await store.castVote({ requestId: r.id, userId: 'U0ALICE', decision: 'deny', at: T0 + 1 })).toBe(
        true,
      );
      expect(await store.listVotes(r.id)).toEqual([
        { requestId: r.id, userId: 'U0ALICE', decision: 'deny', at: T0 + 1 },
        { requestId: r.id, userId: 'U0BOB', decision: 'approve', at: T0 + 2 },
      ]);
      expect(await store.listVotes('missing')).toEqual([]);
    });
  });

  describe(`${name} store: executions`, () => {
    it('lets exactly one of 50 concurrent claims for one request win', async () => {
      const store = await fresh();
      const r = await store.createRequest(newRequest());
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.claimExecution({ requestId: r.id, target: r.target, owner: `replica-${i}`, startedAt: T0 }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.listExecutions()).toHaveLength(1);
    });

    it('allows one running mutation per target, and never a second execution of a request', async () => {
      const store = await fresh();
      const first = await store.createRequest(newRequest());
      const second = await store.createRequest(newRequest({ action: 'reenable' }));
      const elsewhere = await store.createRequest(newRequest({ target: 'provider:iflow' }));
      const claim = (id: string, target = 'provider:kiro') =>
        store.claimExecution({ requestId: id, target, owner: 'replica-a', startedAt: T0 });
      expect(await claim(first.id)).toBe(true);
      expect(await claim(second.id)).toBe(false);
      expect(await claim(elsewhere.id, 'provider:iflow')).toBe(true);
      expect((await store.listExecutions({ running: true })).map((e) => e.requestId).sort()).toEqual(
        [first.id, elsewhere.id].sort(),
      );
      await store.finishExecution(first.id, 'verified', T0 + 50);
      expect(await claim(first.id)).toBe(false);
      expect(await claim(second.id)).toBe(true);
      const done = await store.listExecutions({ running: false });
      expect(done).toEqual([
        {
          requestId: first.id,
          target: 'provider:kiro',
          owner: 'replica-a',
          startedAt: T0,
          finishedAt: T0 + 50,
          outcome: 'verified',
        },
      ]);
    });
  });

  describe(`${name} store: audit`, () => {
    it('lists events by correlation id, newest first, with a limit', async () => {
      const store = await fresh();
      for (let i = 0; i < 5; i++) {
        await store.appendAudit({
          correlationId: 'req-1',
          at: T0 + i,
          kind: `step.${i}`,
          actor: i ? 'U0A' : null,
          data: { i, list: [i] },
        });
      }
      await store.appendAudit({ correlationId: 'req-2', at: T0 + 10, kind: 'other', actor: null, data: {} });
      const events = await store.listAudit({ correlationId: 'req-1' });
      expect(events.map((e) => e.kind)).toEqual(['step.4', 'step.3', 'step.2', 'step.1', 'step.0']);
      expect(events[4]).toMatchObject({
        correlationId: 'req-1',
        at: T0,
        actor: null,
        data: { i: 0, list: [0] },
      });
      expect(typeof events[0]?.id).toBe('number');
      expect((await store.listAudit({ correlationId: 'req-1', limit: 2 })).map((e) => e.kind)).toEqual([
        'step.4',
        'step.3',
      ]);
      expect((await store.listAudit({ limit: 1 })).map((e) => e.kind)).toEqual(['other']);
      expect(await store.listAudit()).toHaveLength(6);
    });
  });

  describe(`${name} store: leases (database clock)`, () => {
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

    it('holds a lease exclusively until it expires, then lets another owner take it', async () => {
      const store = await fresh();
      expect(await store.tryLease('sweep', 'a', 400)).toBe(true);
      expect(await store.tryLease('sweep', 'b', 400)).toBe(false);
      expect(await store.tryLease('snapshot', 'b', 400)).toBe(true);
      await pause(500);
      expect(await store.tryLease('sweep', 'b', 400)).toBe(true);
      expect(await store.tryLease('sweep', 'a', 400)).toBe(false);
    });

    it('lets the owner renew its lease, which keeps others out past the first term', async () => {
      const store = await fresh();
      expect(await store.tryLease('sweep', 'a', 1000)).toBe(true);
      await pause(600);
      expect(await store.tryLease('sweep', 'a', 1000)).toBe(true);
      await pause(600); // past the first term, inside the renewed one
      expect(await store.tryLease('sweep', 'b', 1000)).toBe(false);
    });

    it('gives a free lease to exactly one of many concurrent contenders', async () => {
      const store = await fresh();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.tryLease('sweep', `replica-${i}`, 10_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe(`${name} store: durability`, () => {
    it('keeps a pending request across a close and reopen', async () => {
      const url = await harness.freshUrl();
      const store = await openAt(url);
      const r = await store.createRequest(newRequest());
      await store.castVote({ requestId: r.id, userId: 'U0ALICE', decision: 'approve', at: T0 });
      await store.close();
      const reopened = await openAt(url);
      expect(await reopened.getRequest(r.id)).toEqual(r);
      expect(await reopened.listVotes(r.id)).toHaveLength(1);
      expect(await reopened.listRequests({ states: ['pending'] })).toEqual([r]);
    });

    it('migrates idempotently and answers ping', async () => {
      const store = await fresh();
      await store.migrate();
      await store.ping();
      expect(['sqlite', 'postgres']).toContain(store.kind);
    });
  });
}
