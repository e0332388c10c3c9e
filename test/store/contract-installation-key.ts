// Store contract: the installation's fingerprint key is created once, atomically, and then only read, so
// every replica on one database fingerprints a secret the same way and another database differently.
import { describe, expect, it } from 'vitest';
import { keyedFingerprint } from '../../src/domain/redact.js';
import type { ContractContext } from './contract.js';

export function installationKeyContract(name: string, ctx: ContractContext): void {
  const { fresh, openAt, harness } = ctx;
  describe(`${name} store: fingerprint key`, () => {
    it('creates a 32-byte key once and returns the same key after, also after a reopen', async () => {
      const url = await harness.freshUrl();
      const store = await openAt(url);
      const key = await store.fingerprintKey();
      expect(key).toHaveLength(32);
      expect(key.equals(Buffer.alloc(32))).toBe(false);
      expect((await store.fingerprintKey()).equals(key)).toBe(true);
      await store.close();
      const reopened = await openAt(url);
      expect((await reopened.fingerprintKey()).equals(key)).toBe(true);
    });

    it('gives every replica the same key when they all create it at once (many rounds)', async () => {
      for (let round = 0; round < 5; round++) {
        const url = await harness.freshUrl();
        const replicas = await Promise.all(Array.from({ length: 4 }, () => openAt(url)));
        const keys = await Promise.all(
          replicas.flatMap((r) => Array.from({ length: 5 }, () => r.fingerprintKey())),
        );
        const distinct = new Set(keys.map((k) => k.toString('hex')));
        expect(distinct.size).toBe(1);
        await Promise.all(replicas.map((r) => r.close()));
      }
    });

    it('gives two installations different keys, so the same secret shows two different fingerprints', async () => {
      const [a, b] = await Promise.all([fresh(), fresh()]);
      const [ka, kb] = await Promise.all([a.fingerprintKey(), b.fingerprintKey()]);
      expect(ka.equals(kb)).toBe(false);
      const secret = 'sk-live-client-key-0001';
      expect(keyedFingerprint(ka)(secret)).not.toBe(keyedFingerprint(kb)(secret));
      expect(keyedFingerprint(ka)(secret)).toBe(keyedFingerprint(await a.fingerprintKey())(secret));
    });
  });
}
