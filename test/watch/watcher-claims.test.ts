// The watcher posts an alert whose message claim was left by a replica that died between claiming and
// posting (a real SQLite store, the fake proxy, a recording messenger): late, but never lost.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Messenger, OutgoingMessage } from '../../src/approvals/messenger.js';
import { createManagementClient } from '../../src/cliproxy/client.js';
import { createLogger } from '../../src/logger.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { Watcher } from '../../src/watch/watcher.js';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';

let proxy: FakeProxy | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await proxy?.close();
});

const MIN = 60_000;

describe('watcher message claims', () => {
  it('posts an alert whose claim a dead replica left, once the claim is stale', async () => {
    proxy = await startFakeProxy({
      files: [kiroIdcFile({ name: 'kiro-x.json', expiresAt: new Date(Date.now() - MIN).toISOString() }).file],
    });
    store = await openStore(`file:${join(mkdtempSync(join(tmpdir(), 'watch-claims-')), 'w.sqlite')}`);
    const client = createManagementClient({ baseUrl: proxy.url, managementKey: DEFAULT_MANAGEMENT_KEY });
    const posts: OutgoingMessage[] = [];
    const messenger: Messenger = {
      postRequest: async (_c, m) => {
        posts.push(m);
        return `${posts.length}.000100`;
      },
      updateRequest: async () => true,
      threadReply: async () => true,
      ephemeral: async () => true,
      direct: async () => true,
    };
    let now = Date.now();
    const settings = {
      channel: 'C0WATCH',
      // the watch lease lasts two intervals on the database clock: 2 s of real time here
      intervalMs: 1000,
      expiryWarnMs: 30 * MIN,
      staleCooldownMs: 360 * MIN,
      repeatMs: 240 * MIN,
      group: 5,
      digestAtMinute: undefined,
    };
    const watcher = (owner: string) =>
      new Watcher({
        store: store!,
        client,
        messenger,
        logger: createLogger({ level: 'error' }),
        settings,
        proxy: proxy!.url,
        owner,
        now: () => now,
        slackSpacingMs: 0,
      });
    try {
      // a dead replica saved the firing alert and claimed its message, then died before posting
      const dead = watcher('dead');
      const original = store.watch.claimAlertMessage.bind(store.watch);
      store.watch.claimAlertMessage = async (...args) => {
        await original(...args);
        throw new Error('replica died');
      };
      await expect(dead.pollOnce()).rejects.toThrow('replica died');
      store.watch.claimAlertMessage = original;
      expect(posts).toEqual([]);
      const [claimed] = await store.watch.loadAlerts(proxy.url);
      expect(claimed?.messageTs).toMatch(/^claim:/);

      // the survivor takes the lease after it runs out; the claim is still fresh: not posted yet
      await new Promise((r) => setTimeout(r, 2200));
      now += 2 * MIN + 1;
      const survivor = watcher('survivor');
      expect((await survivor.pollOnce()).leader).toBe(true);
      expect(posts).toEqual([]);
      // once the claim is stale the alert is posted, once
      now += 5 * MIN;
      await survivor.pollOnce();
      expect(posts.map((m) => m.text)).toEqual([expect.stringContaining('Token expired')]);
      now += MIN;
      await survivor.pollOnce();
      expect(posts).toHaveLength(1);
    } finally {
      await client.close();
    }
  }, 30_000);
});
