// Store contract: the credential watch's state (alerts under a lease, message and digest claims,
// silences, expiry facts). Claims are raced from two store instances on one database.
import { describe, expect, it } from 'vitest';
import type { AlertState } from '../../src/domain/watch/evaluate.js';
import type { ContractContext } from './contract.js';
import { T0 } from './fixtures.js';

const P = 'http://127.0.0.1:8317';
const alert = (key: string, over: Partial<AlertState> = {}): AlertState => ({
  key,
  condition: 'expired',
  credential: key.split('|')[1] ?? null,
  provider: 'kiro',
  phase: 'firing',
  since: T0,
  firedAt: T0,
  resolvedAt: null,
  lastAnnouncedAt: T0,
  absentPolls: 0,
  groupId: null,
  detail: 'token expired',
  expiresAt: null,
  nextRetryAfter: null,
  ...over,
});

export function watchContract(name: string, ctx: ContractContext): void {
  const { openAt, harness } = ctx;
  const pair = async () => {
    const url = await harness.freshUrl();
    return [await openAt(url), await openAt(url)] as const;
  };

  describe(`${name} store: credential watch`, () => {
    it('saves alert states only while the writer holds the watch lease', async () => {
      const [a, b] = await pair();
      const lease = { name: 'watch', owner: 'replica-a' };
      // a short lease on the database clock
      expect(await a.tryLease('watch', 'replica-a', 300)).toBe(true);
      expect(await a.watch.saveAlerts(P, lease, [alert('expired|k.json')], [], T0 + 1)).toBe(true);
      expect(await b.tryLease('watch', 'replica-b', 60_000)).toBe(false);
      // the lease runs out and another replica takes it: the old writer's state is refused
      await new Promise((r) => setTimeout(r, 400));
      expect(await b.tryLease('watch', 'replica-b', 60_000)).toBe(true);
      const stale = alert('expired|k.json', { phase: 'resolved', resolvedAt: T0 + 61_500 });
      expect(await a.watch.saveAlerts(P, lease, [stale], [], T0 + 61_500)).toBe(false);
      const loaded = await b.watch.loadAlerts(P);
      expect(loaded.map((x) => x.state.phase)).toEqual(['firing']);
      expect(
        await b.watch.saveAlerts(
          P,
          { name: 'watch', owner: 'replica-b' },
          [],
          ['expired|k.json'],
          T0 + 62_000,
        ),
      ).toBe(true);
      expect(await a.watch.loadAlerts(P)).toEqual([]);
    });

    it('lets exactly one of many concurrent claimers post an alert’s message', async () => {
      const [a, b] = await pair();
      await a.tryLease('watch', 'r', 60_000);
      const keys = ['expired|x.json', 'expired|y.json'];
      await a.watch.saveAlerts(
        P,
        { name: 'watch', owner: 'r' },
        keys.map((k) => alert(k)),
        [],
        T0,
      );
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).watch.claimAlertMessage(P, keys, `c${i}`)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      await a.watch.setAlertMessage(P, keys, 'C0WATCH', '1700000000.000100');
      const loaded = await b.watch.loadAlerts(P);
      expect(loaded.map((x) => x.messageTs)).toEqual(['1700000000.000100', '1700000000.000100']);
      expect(await b.watch.claimAlertMessage(P, keys, 'late')).toBe(false);
    });

    it('forgets an alert’s message when it goes back to pending (a new episode posts anew)', async () => {
      const [a] = await pair();
      await a.tryLease('watch', 'r', 60_000);
      const lease = { name: 'watch', owner: 'r' };
      await a.watch.saveAlerts(P, lease, [alert('cooldown|x.json')], [], T0);
      await a.watch.setAlertMessage(P, ['cooldown|x.json'], 'C0WATCH', '1.1');
      await a.watch.saveAlerts(P, lease, [alert('cooldown|x.json', { phase: 'pending' })], [], T0 + 1);
      expect((await a.watch.loadAlerts(P))[0]?.messageTs).toBeNull();
    });

    it('forgets a resolved alert’s message when it fires again at once (expired, refresh-stopped)', async () => {
      const [a, b] = await pair();
      await a.tryLease('watch', 'r', 60_000);
      const lease = { name: 'watch', owner: 'r' };
      await a.watch.saveAlerts(P, lease, [alert('expired|x.json')], [], T0);
      expect(await a.watch.claimAlertMessage(P, ['expired|x.json'], 'r')).toBe(true);
      await a.watch.setAlertMessage(P, ['expired|x.json'], 'C0WATCH', '1.1');
      const resolved = alert('expired|x.json', { phase: 'resolved', resolvedAt: T0 + 1 });
      await a.watch.saveAlerts(P, lease, [resolved], [], T0 + 1);
      // editing the resolved alert keeps its message
      await a.watch.saveAlerts(P, lease, [resolved], [], T0 + 2);
      expect((await a.watch.loadAlerts(P))[0]?.messageTs).toBe('1.1');
      const again = alert('expired|x.json', { since: T0 + 3, firedAt: T0 + 3 });
      await a.watch.saveAlerts(P, lease, [again], [], T0 + 3);
      expect((await b.watch.loadAlerts(P))[0]?.messageTs).toBeNull();
      expect(await b.watch.claimAlertMessage(P, ['expired|x.json'], 'r')).toBe(true);
      // a firing alert saved again keeps its (claimed) message
      await a.watch.saveAlerts(P, lease, [again], [], T0 + 4);
      expect((await a.watch.loadAlerts(P))[0]?.messageTs).toBe('claim:r');
    });

    it('lets one poster take over a timed claim left stale by a dead poster, never a fresh one', async () => {
      const [a, b] = await pair();
      await a.tryLease('watch', 'r', 60_000);
      const keys = ['expired|x.json', 'expired|y.json'];
      await a.watch.saveAlerts(
        P,
        { name: 'watch', owner: 'r' },
        keys.map((k) => alert(k)),
        [],
        T0,
      );
      // replica a claims at T0 and dies before recording the message
      expect(await a.watch.claimAlertMessage(P, keys, 'a', { at: T0, staleBefore: T0 - 300_000 })).toBe(true);
      // a minute later the claim is still fresh: nobody may take it
      expect(
        await b.watch.claimAlertMessage(P, keys, 'b', {
          at: T0 + 60_000,
          staleBefore: T0 + 60_000 - 300_000,
        }),
      ).toBe(false);
      // six minutes later it is stale: exactly one of many concurrent takers gets it
      const later = T0 + 360_000;
      const takers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? a : b).watch.claimAlertMessage(P, keys, `t${i}`, {
            at: later,
            staleBefore: later - 300_000,
          }),
        ),
      );
      expect(takers.filter(Boolean)).toHaveLength(1);
      // a posted message is never taken over, however old
      await b.watch.setAlertMessage(P, keys, 'C0WATCH', '1700000000.000100');
      const much = T0 + 86_400_000;
      expect(await a.watch.claimAlertMessage(P, keys, 'z', { at: much, staleBefore: much })).toBe(false);
      expect((await a.watch.loadAlerts(P)).map((x) => x.messageTs)).toEqual([
        '1700000000.000100',
        '1700000000.000100',
      ]);
    });

    it('claims each day’s digest once across replicas', async () => {
      const [a, b] = await pair();
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).watch.claimDigest(P, '2026-12-03', `r${i}`, T0)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await a.watch.claimDigest(P, '2026-12-04', 'r0', T0)).toBe(true);
    });

    it('keeps silences until they expire or are ended', async () => {
      const [a, b] = await pair();
      const s = {
        id: 'S1',
        credential: 'k.json',
        condition: null,
        until: T0 + 3_600_000,
        createdBy: 'U0A',
        createdAt: T0,
      };
      await a.watch.addSilence(P, s);
      expect(await b.watch.listSilences(P, T0 + 1)).toEqual([s]);
      expect(await b.watch.listSilences(P, T0 + 3_600_000)).toEqual([]);
      expect(await b.watch.endSilence(P, 'S1', T0 + 10)).toBe(true);
      expect(await a.watch.endSilence(P, 'S1', T0 + 11)).toBe(false);
      expect(await a.watch.listSilences(P, T0 + 12)).toEqual([]);
    });

    it('round-trips expiry facts and drops the files that are gone', async () => {
      const [a, b] = await pair();
      const facts = new Map([
        ['a.json', { modtime: '2026-01-01T00:00:00Z', size: 120, expiresAt: '2026-01-02T00:00:00Z' }],
        ['b.json', { modtime: null, size: null, expiresAt: null }],
      ]);
      await a.watch.saveExpiryFacts(P, facts, []);
      expect(await b.watch.loadExpiryFacts(P)).toEqual(facts);
      await b.watch.saveExpiryFacts(P, new Map(), ['a.json']);
      expect([...(await a.watch.loadExpiryFacts(P)).keys()]).toEqual(['b.json']);
    });
  });
}
