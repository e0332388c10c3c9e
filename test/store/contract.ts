// The contract every Store implementation passes (SQLite and PostgreSQL run the same cases).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { openStore } from '../../src/store/open.js';
import type { NewRequest, Snapshot, Store } from '../../src/store/types.js';

export interface StoreHarness {
  /** The URL of a fresh, empty database (nothing migrated yet). */
  freshUrl(): Promise<string>;
  /** Every snapshot row's raw `content` column, read straight from the database, bypassing the store. */
  rawSnapshotContents(url: string): Promise<string[]>;
}

const T0 = 1_767_000_000_000;

export function newRequest(overrides: Partial<NewRequest> = {}): NewRequest {
  return {
    id: `req-${randomUUID()}`,
    action: 'refresh',
    target: 'provider:kiro',
    params: { provider: 'kiro' },
    requester: 'U0REQ',
    channel: 'C0INCIDENT',
    state: 'pending',
    approvalsRequired: 1,
    fingerprint: 'fp-1',
    createdAt: T0,
    expiresAt: T0 + 15 * 60_000,
    ...overrides,
  };
}

export function newSnapshot(content: string, overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    id: `snap-${randomUUID()}`,
    takenAt: T0,
    hash: createHash('sha256').update(content).digest('hex'),
    content,
    reason: 'interval',
    ...overrides,
  };
}

export function storeContract(name: string, makeStore: () => Promise<Store>, harness: StoreHarness): void {
  const open: Store[] = [];
  const track = (store: Store): Store => {
    open.push(store);
    return store;
  };
  const fresh = async (): Promise<Store> => track(await makeStore());
  const openAt = async (url: string, snapshotKey?: Buffer): Promise<Store> =>
    track(await openStore(url, { snapshotKey }));

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

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
      const a = await store.createRequest(newRequest({ createdAt: T0 }));
      const b = await store.createRequest(newRequest({ createdAt: T0 + 1, state: 'approved' }));
      const c = await store.createRequest(newRequest({ createdAt: T0 + 2, messageTs: '111.222' }));
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
      const due = await store.createRequest(newRequest({ expiresAt: now - 1 }));
      const dueNow = await store.createRequest(newRequest({ expiresAt: now }));
      const later = await store.createRequest(newRequest({ expiresAt: now + 1 }));
      const approved = await store.createRequest(newRequest({ expiresAt: now - 1, state: 'approved' }));
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
      const newer = await store.createRequest(newRequest({ createdAt: T0 + 1 }));
      const other = await store.createRequest(newRequest({ target: 'provider:iflow' }));
      const relogin = await store.createRequest(newRequest({ action: 'relogin' }));
      await store.transition(old.id, ['pending'], 'verified', T0 + 100);
      await store.transition(newer.id, ['pending'], 'failed', T0 + 200);
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
      const second = await store.createRequest(newRequest());
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

  describe(`${name} store: snapshots`, () => {
    it('skips a snapshot whose hash equals the newest one', async () => {
      const store = await fresh();
      expect(await store.putSnapshot(newSnapshot('a: 1'), 10)).toBe(true);
      expect(await store.putSnapshot(newSnapshot('a: 1', { takenAt: T0 + 1 }), 10)).toBe(false);
      expect(await store.putSnapshot(newSnapshot('a: 2', { takenAt: T0 + 2 }), 10)).toBe(true);
      expect(await store.putSnapshot(newSnapshot('a: 1', { takenAt: T0 + 3 }), 10)).toBe(true);
      expect((await store.listSnapshots()).map((s) => s.content)).toEqual(['a: 1', 'a: 2', 'a: 1']);
    });

    it('keeps the newest N, lists newest first and gets one by id', async () => {
      const store = await fresh();
      const snaps = Array.from({ length: 5 }, (_, i) =>
        newSnapshot(`v: ${i}`, { takenAt: T0 + i, reason: `r${i}` }),
      );
      for (const s of snaps) expect(await store.putSnapshot(s, 3)).toBe(true);
      const listed = await store.listSnapshots();
      expect(listed).toEqual([snaps[4], snaps[3], snaps[2]]);
      expect(await store.listSnapshots(1)).toEqual([snaps[4]]);
      expect(await store.getSnapshot(snaps[3]!.id)).toEqual(snaps[3]);
      expect(await store.getSnapshot(snaps[0]!.id)).toBeNull();
    });

    it('encrypts at rest with a key and reads back the plaintext', async () => {
      const url = await harness.freshUrl();
      const key = randomBytes(32);
      const store = await openAt(url, key);
      const secret = 'claude-api-key:\n  - api-key: sk-live-PLAINTEXT-SECRET-123\n';
      const snap = newSnapshot(secret);
      expect(await store.putSnapshot(snap, 10)).toBe(true);
      expect(await store.getSnapshot(snap.id)).toEqual(snap);
      expect(await store.listSnapshots()).toEqual([snap]);
      expect(await store.putSnapshot(newSnapshot(secret, { takenAt: T0 + 1 }), 10)).toBe(false);
      const raw = await harness.rawSnapshotContents(url);
      expect(raw).toHaveLength(1);
      expect(raw[0]).toMatch(/^v1:/);
      expect(raw[0]).not.toContain('PLAINTEXT-SECRET');
      await store.close();
      expect(await (await openAt(url, key)).getSnapshot(snap.id)).toEqual(snap);
    });

    it('stores snapshots as-is without a key', async () => {
      const url = await harness.freshUrl();
      const store = await openAt(url);
      await store.putSnapshot(newSnapshot('plain: PLAINTEXT-VISIBLE'), 10);
      expect(await harness.rawSnapshotContents(url)).toEqual(['plain: PLAINTEXT-VISIBLE']);
    });

    it('refuses to open with a different key than the snapshots were stored with', async () => {
      const url = await harness.freshUrl();
      const store = await openAt(url, randomBytes(32));
      await store.putSnapshot(newSnapshot('x: 1'), 10);
      await store.close();
      const failure = await openStore(url, { snapshotKey: randomBytes(32) }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(AppError);
      expect(failure).toMatchObject({ code: 'bad_config' });
      expect((failure as AppError).message).toContain('AUTHBOT_SNAPSHOT_KEY does not match');
    });

    it('says AUTHBOT_SNAPSHOT_KEY is needed to read an encrypted snapshot without the key', async () => {
      const url = await harness.freshUrl();
      const store = await openAt(url, randomBytes(32));
      const snap = newSnapshot('x: 1');
      await store.putSnapshot(snap, 10);
      await store.close();
      const keyless = await openAt(url);
      const failure = await keyless.getSnapshot(snap.id).catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: 'bad_config' });
      expect((failure as AppError).message).toContain('AUTHBOT_SNAPSHOT_KEY');
    });

    it('keeps plaintext snapshots readable once a key is set, and encrypts new ones', async () => {
      const url = await harness.freshUrl();
      const keyless = await openAt(url);
      const before = newSnapshot('before: 1');
      await keyless.putSnapshot(before, 10);
      await keyless.close();
      const keyed = await openAt(url, randomBytes(32));
      expect(await keyed.putSnapshot(newSnapshot('before: 1', { takenAt: T0 + 1 }), 10)).toBe(false);
      const after = newSnapshot('after: 2', { takenAt: T0 + 2 });
      expect(await keyed.putSnapshot(after, 10)).toBe(true);
      expect(await keyed.listSnapshots()).toEqual([after, before]);
      const raw = await harness.rawSnapshotContents(url);
      expect(raw).toContain('before: 1');
      expect(raw.some((c) => c.includes('after: 2'))).toBe(false);
    });
  });

  describe(`${name} store: leases`, () => {
    it('holds a lease exclusively until it expires', async () => {
      const store = await fresh();
      expect(await store.tryLease('sweep', 'a', T0, 1000)).toBe(true);
      expect(await store.tryLease('sweep', 'b', T0 + 999, 1000)).toBe(false);
      expect(await store.tryLease('snapshot', 'b', T0, 1000)).toBe(true);
      expect(await store.tryLease('sweep', 'b', T0 + 1000, 1000)).toBe(true);
      expect(await store.tryLease('sweep', 'a', T0 + 1001, 1000)).toBe(false);
    });

    it('lets the owner renew its lease', async () => {
      const store = await fresh();
      expect(await store.tryLease('sweep', 'a', T0, 1000)).toBe(true);
      expect(await store.tryLease('sweep', 'a', T0 + 900, 1000)).toBe(true);
      expect(await store.tryLease('sweep', 'b', T0 + 1500, 1000)).toBe(false);
      expect(await store.tryLease('sweep', 'b', T0 + 1900, 1000)).toBe(true);
    });

    it('gives a free lease to exactly one of many concurrent contenders', async () => {
      const store = await fresh();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.tryLease('sweep', `replica-${i}`, T0, 1000)),
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
