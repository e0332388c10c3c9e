import { afterEach, describe, expect, it } from 'vitest';
import { createManagementClient } from '../../src/cliproxy/client.js';
import type { WatchedCredential } from '../../src/domain/watch/conditions.js';
import { memoryExpiryCache, readCredentials } from '../../src/watch/read-credentials.js';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';

let proxy: FakeProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

const HOUR = 3_600_000;

/** A detector that records every credential it is shown and finds nothing. */
function recorder() {
  const seen: WatchedCredential[] = [];
  const detect = (c: WatchedCredential) => {
    seen.push(c);
    return [];
  };
  return { seen, detect };
}

describe('readCredentials', () => {
  it('with 5,000 unchanged credentials a poll makes one management call', async () => {
    const files = Array.from(
      { length: 5000 },
      (_, i) =>
        kiroIdcFile({ name: `kiro-${i}.json`, expiresAt: new Date(Date.now() + 10 * HOUR).toISOString() })
          .file,
    );
    proxy = await startFakeProxy({ files });
    const client = createManagementClient({ baseUrl: proxy.url, managementKey: DEFAULT_MANAGEMENT_KEY });
    const cache = memoryExpiryCache();
    try {
      const options = { now: Date.now(), expiryWarnMs: 30 * 60_000 };
      const first = await readCredentials(client, cache, options, recorder().detect);
      expect(first.calls).toBe(5001);
      const before = proxy.calls.length;
      const r = recorder();
      const second = await readCredentials(client, cache, options, r.detect);
      expect(second.calls).toBe(1);
      expect(proxy.calls.length - before).toBe(1);
      expect(second.ok && second.count).toBe(5000);
      // every credential was shown to the detector, with the expiry remembered from the first read
      expect(r.seen).toHaveLength(5000);
      expect(r.seen.every((c) => c.expiresAt !== undefined)).toBe(true);
      // one file rewritten: that one file is read again
      proxy.putFile(
        kiroIdcFile({ name: 'kiro-7.json', expiresAt: new Date(Date.now() + 20 * HOUR).toISOString() }).file,
      );
      const third = await readCredentials(client, cache, options, recorder().detect);
      expect(third.calls).toBe(2);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('re-reads a file whose known expiry is inside the warning window, and keeps no token', async () => {
    const seeded = kiroIdcFile({
      name: 'kiro-soon.json',
      expiresAt: new Date(Date.now() + 10 * 60_000).toISOString(),
    });
    proxy = await startFakeProxy({ files: [seeded.file] });
    const client = createManagementClient({ baseUrl: proxy.url, managementKey: DEFAULT_MANAGEMENT_KEY });
    const cache = memoryExpiryCache();
    try {
      const options = { now: Date.now(), expiryWarnMs: 30 * 60_000 };
      await readCredentials(client, cache, options, recorder().detect);
      const again = await readCredentials(client, cache, options, recorder().detect);
      expect(again.calls).toBe(2);
      const kept = JSON.stringify([...(await cache.load()).entries()]) + JSON.stringify(again);
      for (const secret of seeded.secrets) expect(kept).not.toContain(secret);
    } finally {
      await client.close();
    }
  });

  it('garbage from the proxy is a failed read, not an empty credential list', async () => {
    proxy = await startFakeProxy({ files: [kiroIdcFile().file] });
    const client = createManagementClient({
      baseUrl: proxy.url,
      managementKey: DEFAULT_MANAGEMENT_KEY,
      retries: 0,
    });
    try {
      for (const fault of [
        { kind: 'non-json' },
        { kind: 'wrong-shape' },
        { kind: 'status', status: 500, times: 5 },
      ] as const) {
        await proxy.setFault(fault);
        const r = await readCredentials(
          client,
          memoryExpiryCache(),
          { now: Date.now(), expiryWarnMs: 0 },
          recorder().detect,
        );
        expect(r.ok).toBe(false);
        expect(!r.ok && r.failure).toBe('down');
      }
    } finally {
      await client.close();
    }
  });

  it("a detector that throws is the bot's bug, surfaced as it is, not a proxy that is down", async () => {
    proxy = await startFakeProxy({ files: [kiroIdcFile({ name: 'kiro-a.json' }).file] });
    const client = createManagementClient({ baseUrl: proxy.url, managementKey: DEFAULT_MANAGEMENT_KEY });
    const cache = memoryExpiryCache();
    const options = { now: Date.now(), expiryWarnMs: 0 };
    try {
      await readCredentials(client, cache, options, recorder().detect);
      const broken = () => {
        throw new TypeError('detector bug');
      };
      await expect(readCredentials(client, cache, options, broken)).rejects.toThrow('detector bug');
    } finally {
      await client.close();
    }
  });
});
