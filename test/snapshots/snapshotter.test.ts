import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { AppError } from '../../src/errors.js';
import { isSnapshotId } from '../../src/snapshots/snapshot-id.js';
import { Snapshotter, snapshotWarning } from '../../src/snapshots/snapshotter.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { leakedSecrets, SECRET_CONFIG } from '../domain/config/secrets.js';

const logger = pino({ level: 'silent' });
const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 9);

function tempDb(): { url: string; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'authbot-snap-')), 'bot.sqlite');
  return { url: `file:${path}`, path };
}

const opened: Store[] = [];
async function open(url: string, key?: Buffer): Promise<Store> {
  const store = await openStore(url, { snapshotKey: key });
  opened.push(store);
  return store;
}
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close().catch(() => undefined);
});

function setup(
  store: Store,
  yaml: { text: string },
  clock: { t: number },
  owner = 'replica-a',
  keep = 50,
  intervalMs = 300_000,
) {
  let n = 0;
  return new Snapshotter({
    store,
    client: { getConfigYaml: async () => yaml.text },
    logger,
    now: () => clock.t,
    intervalMs,
    keep,
    owner,
    newId: (at) =>
      `${new Date(at).toISOString().slice(0, 10).replace(/-/g, '')}-000000-${(n++).toString(16).padStart(4, '0')}-${owner}`,
  });
}

describe('Snapshotter', () => {
  it('stores a snapshot only when the content hash changed', async () => {
    const store = await open(tempDb().url);
    const yaml = { text: 'api-keys: [a]\n' };
    const clock = { t: Date.UTC(2026, 7, 29, 10) };
    const s = setup(store, yaml, clock);
    const first = await s.snapshotNow('interval');
    clock.t += 1000;
    const again = await s.snapshotNow('interval');
    yaml.text = 'api-keys: [a, b]\n';
    clock.t += 1000;
    const changed = await s.snapshotNow('pre-mutation:req-1');
    expect([first.stored, again.stored, changed.stored]).toEqual([true, false, true]);
    expect(again.snapshot.id).toBe(first.snapshot.id);
    const list = await store.listSnapshots();
    expect(list.map((x) => x.reason)).toEqual(['pre-mutation:req-1', 'interval']);
    expect(list[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps only the newest N', async () => {
    const store = await open(tempDb().url);
    const yaml = { text: '' };
    const clock = { t: 1_000_000 };
    const s = setup(store, yaml, clock, 'a', 3);
    for (let i = 0; i < 5; i++) {
      yaml.text = `request-retry: ${i}\n`;
      clock.t += 1000;
      await s.snapshotNow('interval');
    }
    const list = await store.listSnapshots();
    expect(list.map((x) => x.content)).toEqual([
      'request-retry: 4\n',
      'request-retry: 3\n',
      'request-retry: 2\n',
    ]);
  });

  it('lets only one replica snapshot per interval slot of the database clock', async () => {
    const { url } = tempDb();
    const storeA = await open(url);
    const storeB = await open(url);
    const yaml = { text: 'proxy-url: ""\n' };
    const clock = { t: 5_000_000 };
    const a = setup(storeA, yaml, clock, 'a', 50, 400);
    const b = setup(storeB, yaml, clock, 'b', 50, 400);
    // start right after a slot turns, so both ticks fall in the same slot
    while (Date.now() % 400 > 50) await new Promise((r) => setTimeout(r, 5));
    const [ra, rb] = [await a.tick(), await b.tick()];
    expect(ra).toBeDefined();
    expect(rb).toBeUndefined();
    yaml.text = 'proxy-url: "http://p"\n';
    expect(await a.tick()).toBeUndefined(); // the slot is taken, whoever asks
    await new Promise((r) => setTimeout(r, 400 - (Date.now() % 400) + 10)); // the next slot
    expect((await b.tick())?.stored).toBe(true);
    expect(await a.tick()).toBeUndefined();
  });

  it('survives a restart', async () => {
    const { url } = tempDb();
    const store = await open(url);
    await setup(store, { text: 'routing: {strategy: fill-first}\n' }, { t: 1 }).snapshotNow('interval');
    await store.close();
    const reopened = await open(url);
    const [snap] = await reopened.listSnapshots();
    expect(snap?.content).toBe('routing: {strategy: fill-first}\n');
  });

  it('never fails a tick: a proxy error is logged and the next tick tries again', async () => {
    const store = await open(tempDb().url);
    const s = new Snapshotter({
      store,
      client: {
        getConfigYaml: async () => {
          throw new AppError('unreachable', 'The proxy is unreachable.');
        },
      },
      logger,
      now: () => 1,
      intervalMs: 1000,
      keep: 5,
      owner: 'a',
    });
    expect(await s.tick()).toBeUndefined();
    expect(await store.listSnapshots()).toEqual([]);
  });

  it('starts at once, repeats on its interval, and stops', async () => {
    const store = await open(tempDb().url);
    let i = 0;
    const s = new Snapshotter({
      store,
      client: { getConfigYaml: async () => `request-retry: ${i++}\n` },
      logger,
      now: Date.now,
      intervalMs: 40,
      keep: 50,
      owner: 'a',
    });
    s.start();
    await new Promise((r) => setTimeout(r, 150));
    await s.stop();
    const count = (await store.listSnapshots()).length;
    expect(count).toBeGreaterThanOrEqual(2);
    expect((await store.listSnapshots())[0]?.id).toSatisfy(isSnapshotId);
    await new Promise((r) => setTimeout(r, 100));
    expect((await store.listSnapshots()).length).toBe(count);
  });
});

describe('snapshots at rest', () => {
  it('are encrypted end to end when AUTHBOT_SNAPSHOT_KEY is set: no secret in the database file', async () => {
    const { url, path } = tempDb();
    const store = await open(url, KEY);
    await setup(store, { text: SECRET_CONFIG }, { t: 1 }).snapshotNow('interval');
    await store.close();
    const raw = new Database(path, { readonly: true });
    const rows = raw.prepare('SELECT content, encrypted FROM snapshots').all() as {
      content: string;
      encrypted: number;
    }[];
    raw.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.encrypted).toBe(1);
    expect(leakedSecrets(rows[0]?.content ?? '')).toEqual([]);
    expect(leakedSecrets(readFileSync(path).toString('latin1'))).toEqual([]);
    const reopened = await open(url, KEY);
    expect((await reopened.listSnapshots())[0]?.content).toBe(SECRET_CONFIG);
  });

  it('are stored as-is without a key (which is what the start-up warning is about)', async () => {
    const { url, path } = tempDb();
    const store = await open(url);
    await setup(store, { text: SECRET_CONFIG }, { t: 1 }).snapshotNow('interval');
    await store.close();
    const raw = new Database(path, { readonly: true });
    const row = raw.prepare('SELECT content FROM snapshots').get() as { content: string };
    raw.close();
    expect(row.content).toBe(SECRET_CONFIG);
  });

  it('a wrong key is a clear start-up error from openStore', async () => {
    const { url } = tempDb();
    const store = await open(url, KEY);
    await setup(store, { text: SECRET_CONFIG }, { t: 1 }).snapshotNow('interval');
    await store.close();
    const err = await openStore(url, { snapshotKey: OTHER_KEY }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('bad_config');
    expect((err as AppError).message).toMatch(/AUTHBOT_SNAPSHOT_KEY/);
    expect(leakedSecrets(String((err as AppError).message))).toEqual([]);
  });
});

describe('snapshotWarning', () => {
  it('warns when no key is set and names the setting', () => {
    expect(snapshotWarning(loadConfig({}))).toMatch(/AUTHBOT_SNAPSHOT_KEY is not set/);
  });
  it('is silent with a key', () => {
    expect(snapshotWarning(loadConfig({ AUTHBOT_SNAPSHOT_KEY: KEY.toString('base64') }))).toBeUndefined();
  });
});
