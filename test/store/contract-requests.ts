// Store contract: requests (CRUD, compare-and-set transitions, expiry, cooldown).
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract.js';
import { newRequest, T0 } from './fixtures.js';

export function requestContract(name: string, ctx: ContractContext): void {
  const { fresh } = ctx;
  describe(`${name} store: requests`, () => {
    it('creates a request and reads it back with its JSON params intact', async () => {
      const store = await fresh();
      const params = {
        provider: 'kiro',
        names: ['a.json', 'b.json'],
        nested: { n: 1.5, ok: true, none: null },
        s: 'é✓',
      };
      const created = await store.createRequest(newRequest({ params }));
      expect(created).toMatchObject({
        params,
        state: 'pending',
        messageTs: null,
        decidedBy: null,
        decidedAt: null,
        result: null,
        updatedAt: T0,
      });
      expect(await store.getRequest(created.id)).toEqual(created);
      expect(await store.getRequest('missing')).toBeNull();
    });

    it('records the message ts and lists requests newest first, by state, with a limit', async () => {
      const store = await fresh();
      const a = await store.createRequest(newRequest({ createdAt: T0, target: 'provider:a' }));
      const b = await store.createRequest(
        newRequest({ createdAt: T0 + 1, state: 'approved', target: 'provider:b' }),
      );
      const c = await store.createRequest(
        newRequest({ createdAt: T0 + 2, messageTs: '111.222', target: 'provider:c' }),
      );
      await store.setMessageTs(a.id, '123.456');
      expect((await store.getRequest(a.id))?.messageTs).toBe('123.456');
      expect(c.messageTs).toBe('111.222');
      expect((await store.listRequests()).map((r) => r.id)).toEqual([c.id, b.id, a.id]);
      expect((await store.listRequests({ states: ['pending'] })).map((r) => r.id)).toEqual([c.id, a.id]);
      expect((await store.listRequests({ limit: 1 })).map((r) => r.id)).toEqual([c.id]);
      expect(await store.listRequests({ states: [] })).toEqual([]);
    });

    it('transitions only from the listed states and applies the patch', async () => {
      const store = await fresh();
      const r = await store.createRequest(newRequest());
      expect(await store.transition(r.id, ['approved'], 'running', T0 + 5)).toBeNull();
      const result = { checks: [{ name: 'expiry', ok: true }], latencyMs: 12 };
      const moved = await store.transition(r.id, ['pending'], 'approved', T0 + 10, {
        decidedBy: 'U0ALICE',
        decidedAt: T0 + 10,
        result,
        fingerprint: 'fp-2',
      });
      expect(moved).toMatchObject({
        state: 'approved',
        updatedAt: T0 + 10,
        decidedBy: 'U0ALICE',
        result,
        fingerprint: 'fp-2',
      });
      expect(await store.getRequest(r.id)).toEqual(moved);
      expect(await store.transition(r.id, ['pending'], 'denied', T0 + 11)).toBeNull();
      expect((await store.getRequest(r.id))?.state).toBe('approved');
      expect(await store.transition('missing', ['pending'], 'approved', T0)).toBeNull();
    });

    it('lets exactly one of many concurrent pending -> approved transitions win', async () => {
      const store = await fresh();
      const r = await store.createRequest(newRequest());
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.transition(r.id, ['pending'], 'approved', T0 + i, { decidedBy: `U${i}`, decidedAt: T0 + i }),
        ),
      );
      const winners = results.filter((x) => x !== null);
      expect(winners).toHaveLength(1);
      expect((await store.getRequest(r.id))?.decidedBy).toBe(winners[0]?.decidedBy);
    });

    it('expires only due pending requests, once', async () => {
      const store = await fresh();
      const now = T0 + 60_000;
      const due = await store.createRequest(newRequest({ expiresAt: now - 1, target: 'provider:a' }));
      const dueNow = await store.createRequest(newRequest({ expiresAt: now, target: 'provider:b' }));
      const later = await store.createRequest(newRequest({ expiresAt: now + 1, target: 'provider:c' }));
      const approved = await store.createRequest(
        newRequest({ expiresAt: now - 1, state: 'approved', target: 'provider:d' }),
      );
      const expired = await store.expireDue(now);
      expect(expired.map((r) => r.id).sort()).toEqual([due.id, dueNow.id].sort());
      expect(expired.every((r) => r.state === 'expired' && r.updatedAt === now)).toBe(true);
      expect(await store.expireDue(now)).toEqual([]);
      expect((await store.getRequest(later.id))?.state).toBe('pending');
      expect((await store.getRequest(approved.id))?.state).toBe('approved');
    });

    it('finds the newest finished request for an action and target (cooldown)', async () => {
      const store = await fresh();
      const old = await store.createRequest(newRequest());
      await store.transition(old.id, ['pending'], 'verified', T0 + 100);
      const newer = await store.createRequest(newRequest({ createdAt: T0 + 1 }));
      await store.transition(newer.id, ['pending'], 'failed', T0 + 200);
      const other = await store.createRequest(newRequest({ target: 'provider:iflow' }));
      const relogin = await store.createRequest(newRequest({ action: 'relogin' }));
      await store.transition(other.id, ['pending'], 'verified', T0 + 300);
      await store.transition(relogin.id, ['pending'], 'verified', T0 + 400);
      expect((await store.lastFinished('refresh', 'provider:kiro', ['verified', 'failed']))?.id).toBe(
        newer.id,
      );
      expect((await store.lastFinished('refresh', 'provider:kiro', ['verified']))?.id).toBe(old.id);
      expect(await store.lastFinished('refresh', 'provider:kiro', ['denied'])).toBeNull();
      expect(await store.lastFinished('rollback', 'config', ['verified'])).toBeNull();
    });
  });
}
