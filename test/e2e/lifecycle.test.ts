// Lifecycle of executions: a stop (what SIGTERM runs) during an execution, and a start-up after a process
// died mid-execution. Nothing stays `running` forever; nothing runs twice.
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import {
  askRefresh,
  blocksText,
  click,
  E2E_POLICY,
  updateFor,
  type World,
} from '../approvals/e2e-helpers.js';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';
import type { FakeSlack, SlackCall } from '../fakes/fake-slack.js';
import { type Harness, startHarness } from './harness.js';

const REFRESH = '/v0/management/auths/kiro/refresh';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startProxy(): Promise<FakeProxy> {
  const seeded = kiroIdcFile({
    name: 'kiro-a.json',
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
  });
  const proxy = await startFakeProxy({ files: [seeded.file], routes: { seedRefresh: true } });
  cleanups.push(() => proxy.close());
  return proxy;
}

async function startBot(
  proxy: FakeProxy,
  options: { slack?: FakeSlack; dataDir?: string; drainTimeoutMs?: number } = {},
): Promise<World> {
  const h: Harness = await startHarness({
    policy: E2E_POLICY,
    env: { CLIPROXY_URL: proxy.url, CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY },
    ...(options.slack ? { slack: options.slack } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.drainTimeoutMs !== undefined
      ? { botOptions: { drainTimeoutMs: options.drainTimeoutMs } }
      : {}),
  });
  return { h, proxy, secrets: [], close: () => h.stop() };
}

async function waitUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A bot that posted a refresh request and stopped: the pending request survives in its SQLite file. */
async function pendingRequestLeftBehind() {
  const proxy = await startProxy();
  const first = await startBot(proxy);
  const slack = first.h.slack;
  cleanups.push(() => slack.close());
  const { id } = await askRefresh(first);
  const dataDir = first.h.dataDir;
  const store0 = first.h.bot.store;
  let posted = false;
  await waitUntil('the request message ts to be stored', () => {
    void store0.getRequest(id).then((r) => {
      posted = Boolean(r?.messageTs);
    });
    return posted;
  });
  await first.h.stop(false);
  return { proxy, slack, id, dataDir };
}

const threadReplies = (slack: FakeSlack, ts: string): SlackCall[] =>
  slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts);

async function readBack(dataDir: string, id: string) {
  const store = await openStore(`file:${dataDir}/auth-bot.sqlite`);
  try {
    return {
      request: await store.getRequest(id),
      running: await store.listExecutions({ running: true }),
      executions: (await store.listExecutions()).filter((e) => e.requestId === id),
    };
  } finally {
    await store.close();
  }
}

describe('stopping during an execution', () => {
  it('marks an execution that outlives the drain time interrupted, says so in its thread, then stays quiet', async () => {
    const proxy = await startProxy();
    const w = await startBot(proxy, { drainTimeoutMs: 500 });
    cleanups.push(() => w.h.slack.close());
    const { id } = await askRefresh(w);
    await proxy.setFault({ kind: 'hang', scope: /\/auths\/kiro\/refresh$/ });
    await click(w, 'approve', id, 'U0ALICE');
    await waitUntil('the refresh call to reach the proxy', () => proxy.callsTo(REFRESH, 'POST').length === 1);

    await w.h.bot.stop();

    const after = await readBack(w.h.dataDir, id);
    expect(after.running).toEqual([]);
    expect(after.executions.map((e) => e.outcome)).toEqual(['interrupted']);
    expect(after.request?.state).toBe('interrupted');
    const updated = w.h.slack.callsTo('chat.update').filter((c) => blocksText(c).includes('Interrupted'));
    expect(updated.length).toBe(1);
    const ts0 = updated[0]?.args.ts;
    const replies = threadReplies(w.h.slack, String(ts0));
    expect(replies.filter((c) => blocksText(c).includes('Interrupted'))).toHaveLength(1);
    // the hung call was aborted when the bot closed its proxy client: no "Failed" or "Verified" afterwards
    await new Promise((r) => setTimeout(r, 300));
    expect(threadReplies(w.h.slack, String(ts0)).some((c) => /Failed|Verified/.test(blocksText(c)))).toBe(
      false,
    );
    expect(proxy.callsTo(REFRESH, 'POST')).toHaveLength(1);
  });

  it('waits for an execution that ends within the drain time and reports its outcome', async () => {
    const proxy = await startProxy();
    const w = await startBot(proxy); // default drain time (10 s) outlasts the client's 5 s deadline
    cleanups.push(() => w.h.slack.close());
    const { id } = await askRefresh(w);
    await proxy.setFault({ kind: 'hang', scope: /\/auths\/kiro\/refresh$/ });
    await click(w, 'approve', id, 'U0ALICE');
    await waitUntil('the refresh call to reach the proxy', () => proxy.callsTo(REFRESH, 'POST').length === 1);

    const started = Date.now();
    await w.h.bot.stop();
    expect(Date.now() - started).toBeLessThan(10_000);

    const after = await readBack(w.h.dataDir, id);
    expect(after.running).toEqual([]);
    expect(after.executions.map((e) => e.outcome)).toEqual(['failed']);
    expect(after.request?.state).toBe('failed');
    const failed = await updateFor(w, 'Failed', 1000);
    const replies = threadReplies(w.h.slack, String(failed.args.ts));
    expect(replies.some((c) => /:x: Failed: .*did not answer within 5/.test(blocksText(c)))).toBe(true);
    expect(replies.some((c) => blocksText(c).includes('Interrupted'))).toBe(false);
  });
});

describe('starting after a process died mid-execution', () => {
  it('marks its running execution interrupted, reports it in the thread, and does not run it again', async () => {
    const { proxy, slack, id, dataDir } = await pendingRequestLeftBehind();

    // what a process that died right after claiming the execution leaves behind
    const store = await openStore(`file:${dataDir}/auth-bot.sqlite`);
    const now = Date.now();
    expect(
      await store.transition(id, ['pending'], 'approved', now, { decidedBy: 'U0ALICE', decidedAt: now }),
    ).not.toBeNull();
    expect(
      await store.claimExecution({
        requestId: id,
        target: 'provider:kiro',
        owner: 'replica-dead',
        startedAt: now,
      }),
    ).toBe(true);
    const running = await store.transition(id, ['approved'], 'running', now);
    await store.close();
    const ts = String(running?.messageTs);
    expect(ts).toMatch(/^\d+\.\d+$/);

    const second = await startBot(proxy, { slack, dataDir });
    cleanups.push(() => second.h.stop(false));
    const reply = await slack.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && c.args.thread_ts === ts && blocksText(c).includes('Interrupted'),
      5000,
    );
    expect(blocksText(reply)).toContain('request the change again');
    const update = await slack.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && blocksText(c).includes('Interrupted'),
      5000,
    );
    expect(update.args.channel).toBe('C0INCIDENT');
    await second.h.bot.stop();
    const after = await readBack(dataDir, id);
    expect(after.running).toEqual([]);
    expect(after.executions.map((e) => [e.owner, e.outcome])).toEqual([['replica-dead', 'interrupted']]);
    expect(after.request?.state).toBe('interrupted');
    expect(proxy.callsTo(REFRESH, 'POST')).toHaveLength(0); // never run (again) by the new process
    expect(threadReplies(slack, ts).filter((c) => blocksText(c).includes('Interrupted'))).toHaveLength(1);
  });

  it('interrupts a request approved long ago that never got an execution, and runs nothing', async () => {
    const { proxy, slack, id, dataDir } = await pendingRequestLeftBehind();

    // a process that died between the approving vote and claiming the execution, a minute ago
    const store = await openStore(`file:${dataDir}/auth-bot.sqlite`);
    const then = Date.now() - 90_000;
    const approved = await store.transition(id, ['pending'], 'approved', then, {
      decidedBy: 'U0ALICE',
      decidedAt: then,
    });
    await store.close();
    const ts = String(approved?.messageTs);

    const second = await startBot(proxy, { slack, dataDir });
    cleanups.push(() => second.h.stop(false));
    const reply = await slack.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && c.args.thread_ts === ts && blocksText(c).includes('Interrupted'),
      5000,
    );
    expect(blocksText(reply)).toContain('nothing was changed');
    // a late click on the old message runs nothing
    await click(second, 'approve', id, 'U0BOB');
    await new Promise((r) => setTimeout(r, 300));
    await second.h.bot.stop();
    const after = await readBack(dataDir, id);
    expect(after.request?.state).toBe('interrupted');
    expect(after.executions).toEqual([]);
    expect(proxy.callsTo(REFRESH, 'POST')).toHaveLength(0);
  });
});
