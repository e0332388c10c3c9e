// Store contract: config snapshots (dedupe, pruning, encryption at rest).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { openStore } from '../../src/store/open.js';
import type { ContractContext } from './contract.js';
import { newSnapshot, T0 } from './fixtures.js';

export function snapshotContract(name: string, ctx: ContractContext): void {
  const { fresh, openAt, harness } = ctx;
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

    it('refuses to open an encrypted database without AUTHBOT_SNAPSHOT_KEY, naming it', async () => {
      const url = await harness.freshUrl();
      const store = await openAt(url, randomBytes(32));
      const snap = newSnapshot('x: 1');
      await store.putSnapshot(snap, 10);
      await store.close();
      const failure = await openAt(url).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(AppError);
      expect(failure).toMatchObject({ code: 'bad_config' });
      expect((failure as AppError).message).toContain('AUTHBOT_SNAPSHOT_KEY is not set');
    });

    it('encrypts the snapshots stored before a key was set when it opens with one, and keeps them readable', async () => {
      const url = await harness.freshUrl();
      const keyless = await openAt(url);
      const before = newSnapshot('before: 1\nsecret: PLAINTEXT-BEFORE-KEY');
      const older = newSnapshot('older: 0', { takenAt: T0 - 1 });
      await keyless.putSnapshot(older, 10);
      await keyless.putSnapshot(before, 10);
      await keyless.close();
      expect(await harness.rawSnapshotContents(url)).toContain(before.content);
      const key = randomBytes(32);
      const keyed = await openAt(url, key);
      const raw = await harness.rawSnapshotContents(url);
      expect(raw).toHaveLength(2);
      expect(raw.every((c) => c.startsWith('v1:'))).toBe(true);
      expect(raw.join()).not.toContain('PLAINTEXT-BEFORE-KEY');
      // same rows, same content once decrypted; dedupe against the newest still works
      expect(await keyed.listSnapshots()).toEqual([before, older]);
      expect(await keyed.putSnapshot(newSnapshot(before.content, { takenAt: T0 + 1 }), 10)).toBe(false);
      const after = newSnapshot('after: 2', { takenAt: T0 + 2 });
      expect(await keyed.putSnapshot(after, 10)).toBe(true);
      expect(await keyed.listSnapshots()).toEqual([after, before, older]);
      await keyed.close();
      // and now the database needs the key
      await expect(openAt(url)).rejects.toMatchObject({ code: 'bad_config' });
      expect(await (await openAt(url, key)).listSnapshots()).toEqual([after, before, older]);
    });

    it('encrypts each plaintext snapshot exactly once when several replicas start with the key at once', async () => {
      const url = await harness.freshUrl();
      const keyless = await openAt(url);
      const snaps = Array.from({ length: 12 }, (_, i) =>
        newSnapshot(`v: ${i}\nsecret: PLAIN-${i}`, { takenAt: T0 + i }),
      );
      for (const snap of snaps) await keyless.putSnapshot(snap, 50);
      await keyless.close();
      const key = randomBytes(32);
      for (let round = 0; round < 2; round++) {
        const stores = await Promise.all(Array.from({ length: 4 }, () => openAt(url, key)));
        for (const s of stores) expect(await s.listSnapshots()).toEqual([...snaps].reverse());
        await Promise.all(stores.map((s) => s.close()));
      }
      const raw = await harness.rawSnapshotContents(url);
      expect(raw).toHaveLength(12);
      expect(raw.every((c) => c.startsWith('v1:'))).toBe(true);
      expect(raw.join()).not.toContain('PLAIN-');
    });
  });
}
