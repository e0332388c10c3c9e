// Store contract: rejected management keys, recorded by fingerprint and shared by every replica.
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract.js';
import { T0 } from './fixtures.js';

export function rejectedKeyContract(name: string, ctx: ContractContext): void {
  const { fresh, openAt, harness } = ctx;
  describe(`${name} store: rejected management keys`, () => {
    it('knows nothing of a key until it is recorded, then keeps the latest rejection time', async () => {
      const store = await fresh();
      expect(await store.keyRejectedAt('fp-a')).toBeNull();
      await store.recordRejectedKey('fp-a', T0 + 10);
      expect(await store.keyRejectedAt('fp-a')).toBe(T0 + 10);
      await store.recordRejectedKey('fp-a', T0 + 5); // an older record (a slow replica) does not go back
      expect(await store.keyRejectedAt('fp-a')).toBe(T0 + 10);
      await store.recordRejectedKey('fp-a', T0 + 20);
      expect(await store.keyRejectedAt('fp-a')).toBe(T0 + 20);
      expect(await store.keyRejectedAt('fp-b')).toBeNull();
    });

    it('takes concurrent records from two replicas on one database without an error, latest time winning', async () => {
      const url = await harness.freshUrl();
      const a = await openAt(url);
      const b = await openAt(url);
      const times = Array.from({ length: 60 }, (_, i) => T0 + ((i * 37) % 60));
      await Promise.all(
        times.map((at, i) => (i % 2 ? a : b).recordRejectedKey(i % 3 === 0 ? 'fp-other' : 'fp-shared', at)),
      );
      const shared = times.filter((_, i) => i % 3 !== 0);
      const other = times.filter((_, i) => i % 3 === 0);
      expect(await a.keyRejectedAt('fp-shared')).toBe(Math.max(...shared));
      expect(await b.keyRejectedAt('fp-shared')).toBe(Math.max(...shared));
      expect(await b.keyRejectedAt('fp-other')).toBe(Math.max(...other));
    });

    it('keeps a record across a restart (reopened database)', async () => {
      const url = await harness.freshUrl();
      const first = await openAt(url);
      await first.recordRejectedKey('fp-restart', T0);
      await first.close();
      const second = await openAt(url);
      expect(await second.keyRejectedAt('fp-restart')).toBe(T0);
    });
  });
}
