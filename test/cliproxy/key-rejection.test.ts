// A wrong management key costs as few failed attempts as possible, per process and per fleet: calls run
// one at a time unless a call succeeded in the last VERIFIED_FOR_MS, at most MAX_IN_FLIGHT (2) are in
// flight, and a 401 is recorded in the store (by fingerprint) so other replicas and restarts stop too.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createManagementClient,
  type HttpManagementClient,
  MAX_IN_FLIGHT,
} from '../../src/cliproxy/client.js';
import { keyFingerprint, REJECTION_TTL_MS } from '../../src/cliproxy/key-rejections.js';
import { VERIFIED_FOR_MS } from '../../src/cliproxy/plumbing.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { type FakeProxy, startFakeProxy } from '../fakes/fake-proxy.js';
import { errorOf } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'authbot-keys-'));
let counter = 0;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function world() {
  const proxy: FakeProxy = await startFakeProxy();
  closers.push(() => proxy.close());
  const url = `file:${join(dir, `db-${++counter}.sqlite`)}`;
  const stores: Store[] = [];
  let clock = Date.now();
  /** One bot replica: its own store connection (same database) and its own client. */
  const replica = async (key = proxy.state.managementKey): Promise<HttpManagementClient> => {
    const store = await openStore(url);
    stores.push(store);
    closers.push(() => store.close());
    const client = createManagementClient({
      baseUrl: proxy.url,
      managementKey: key,
      rejectedKeys: store,
      timeoutMs: 3000,
      retryDelayMs: 10,
      now: () => clock,
    });
    closers.push(() => client.close());
    return client;
  };
  const burst = (client: HttpManagementClient, n = 20) =>
    Promise.all(Array.from({ length: n }, (_, i) => errorOf(client.readToken(`f${i}.json`))));
  return {
    proxy,
    url,
    replica,
    burst,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('wrong-key bounds', () => {
  it('allows at most 2 calls in flight with a verified key', () => {
    expect(MAX_IN_FLIGHT).toBe(2);
  });

  it('costs at most 2 failed attempts when the key is rotated in the middle of a burst', async () => {
    const w = await world();
    const a = await w.replica();
    await a.getConfig();
    w.proxy.state.managementKey = 'rotated-on-the-proxy';
    const errors = await w.burst(a);
    expect(errors.every((e) => e.code === 'unauthorized')).toBe(true);
    expect(w.proxy.state.failedAuth).toBeGreaterThanOrEqual(1);
    expect(w.proxy.state.failedAuth).toBeLessThanOrEqual(2);
  });

  it('costs one failed attempt when the key is rotated while the bot was idle', async () => {
    const w = await world();
    const a = await w.replica();
    await a.getConfig();
    w.advance(VERIFIED_FOR_MS + 1);
    w.proxy.state.managementKey = 'rotated-while-idle';
    await w.burst(a);
    expect(w.proxy.state.failedAuth).toBe(1);
  });

  it("stops another replica and a restarted replica after one replica's 401, without a call", async () => {
    const w = await world();
    const a = await w.replica();
    const b = await w.replica();
    await a.getConfig();
    await b.getConfig();
    const oldKey = w.proxy.state.managementKey;
    w.proxy.state.managementKey = 'rotated-on-the-proxy';
    await errorOf(a.getConfig());
    expect(w.proxy.state.failedAuth).toBe(1);
    const callsBefore = w.proxy.calls.length;

    const errors = await w.burst(b);
    expect(errors.every((e) => e.code === 'unauthorized')).toBe(true);
    expect(errors[0]?.message).toContain('recorded by this bot or another replica');
    expect(b.isLatched).toBe(true);
    const restarted = await w.replica(oldKey);
    expect((await errorOf(restarted.listAuthFiles())).code).toBe('unauthorized');
    expect(w.proxy.calls.length).toBe(callsBefore);
    expect(w.proxy.state.failedAuth).toBe(1);
  });

  it('keeps two replicas rotated mid-burst, then restarted, below the ban (at most 4 failed attempts)', async () => {
    const w = await world();
    const a = await w.replica();
    const b = await w.replica();
    await Promise.all([a.getConfig(), b.getConfig()]);
    const oldKey = w.proxy.state.managementKey;
    w.proxy.state.managementKey = 'rotated-on-the-proxy';
    await Promise.all([w.burst(a), w.burst(b)]);
    for (let restart = 0; restart < 3; restart++) {
      await Promise.all([w.burst(await w.replica(oldKey)), w.burst(await w.replica(oldKey))]);
    }
    expect(w.proxy.state.failedAuth).toBeLessThanOrEqual(4);
    expect(w.proxy.state.bannedUntil).toBeUndefined();
  });

  it('lets a new key through at once, and tries a rejected key again only after the record expires', async () => {
    const w = await world();
    const good = w.proxy.state.managementKey as string;
    const a = await w.replica('wrong-key');
    await errorOf(a.getConfig());
    const b = await w.replica('wrong-key');
    await errorOf(b.getConfig());
    expect(w.proxy.state.failedAuth).toBe(1);
    b.setManagementKey(good);
    await expect(b.getConfig()).resolves.toBeTypeOf('object');
    w.advance(REJECTION_TTL_MS + 1);
    const c = await w.replica('wrong-key');
    await errorOf(c.getConfig());
    expect(w.proxy.calls.filter((call) => call.status === 401)).toHaveLength(2);
  });

  it('stores a fingerprint, never the key', async () => {
    const w = await world();
    const a = await w.replica('a-wrong-management-key-0123');
    await errorOf(a.getConfig());
    const store = await openStore(w.url);
    closers.push(() => store.close());
    const fp = await keyFingerprint('a-wrong-management-key-0123');
    expect(fp).toMatch(/^scrypt:[0-9a-f]{64}$/);
    expect(await store.keyRejectedAt(fp)).not.toBeNull();
    await store.close();
    const file = readFileSync(w.url.slice('file:'.length));
    expect(file.includes(Buffer.from('a-wrong-management-key-0123'))).toBe(false);
  });
});
