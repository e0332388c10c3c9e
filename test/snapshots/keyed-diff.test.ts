// Secret fingerprints in a rollback's diff are keyed per installation: a real SQLite store each, the real
// Snapshotter and prepareRollback over a client that serves the live config.yaml.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareRollback } from '../../src/domain/actions/rollback.js';
import { Snapshotter } from '../../src/snapshots/snapshotter.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';

const SECRET = 'sk-live-rollback-secret-0001';
const SNAPSHOT = `api-keys: ["${SECRET}", "kept-key-0002"]\nproxy-url: "socks5://bob:${SECRET}@10.0.0.1:1080"\n`;
const LIVE = 'api-keys: ["kept-key-0002"]\nproxy-url: ""\n';

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function installation(url = `file:${join(mkdtempSync(join(tmpdir(), 'fp-')), 'bot.sqlite')}`) {
  const store = await openStore(url);
  stores.push(store);
  let t = Date.parse('2026-08-29T10:00:00Z');
  const snapshotter = new Snapshotter({
    store,
    client: { getConfigYaml: async () => LIVE },
    logger: pino({ level: 'silent' }),
    now: () => t++,
    intervalMs: 60_000,
    keep: 50,
    owner: 'a',
  });
  const { snapshot } = await snapshotter.snapshotNow('interval', SNAPSHOT);
  const client = { getConfigYaml: async () => LIVE } as never;
  const diff = async () => (await prepareRollback(client, snapshotter, snapshot.id)).params.diff.join('\n');
  return { url, diff };
}

const fingerprintsIn = (text: string) => [...text.matchAll(/hmac:[0-9a-f]{8}/g)].map((m) => m[0]);

describe('keyed secret fingerprints in rollback diffs', () => {
  it('shows one secret the same within an installation, differently in another, never as a bare sha256', async () => {
    const a = await installation();
    const first = await a.diff();
    // the secret appears twice (an api-keys entry and a proxy password): one fingerprint for both
    const shown = fingerprintsIn(first);
    expect(shown.length).toBeGreaterThanOrEqual(2);
    expect(first).toContain(`api-keys[${shown[0]}]`);
    expect(first).toContain(`bob:${shown[0]}@`);
    // the same installation (another replica on the same database) shows the same fingerprint
    const replica = await installation(a.url);
    expect(await replica.diff()).toContain(`api-keys[${shown[0]}]`);
    // another installation shows another
    const other = await installation();
    expect(fingerprintsIn(await other.diff())).not.toContain(shown[0]);
    // neither the secret nor the dictionary-checkable sha256 of it appears
    const bare = createHash('sha256').update(SECRET).digest('hex').slice(0, 8);
    for (const text of [first, await other.diff()]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(bare);
    }
  });
});
