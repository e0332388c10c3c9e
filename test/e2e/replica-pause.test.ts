// Two bot replicas as two real OS processes on one PostgreSQL database. One is paused (SIGSTOP) past its
// liveness lease while it mutates the proxy, then resumed (SIGCONT). The other marks the paused one's
// execution interrupted (it cannot tell a pause from a death); once resumed, the late replica renews
// its own lease, reports no success over the interrupted execution, and its next execution is not
// taken from it, so a second mutation of the same target never runs alongside it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { buttonsOf } from '../approvals/e2e-helpers.js';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';
import { type FakeSlack, type SlackCall, startFakeSlack } from '../fakes/fake-slack.js';
import { startPostgres, type TestPostgres, testDatabases } from '../setup/postgres.js';
import { BOT_TOKEN } from './harness.js';
import { type Replica, spawnReplica } from './spawn-replica.js';

const LEASE_MS = 3000;
const POLICY = `
channels: [C0INCIDENT]
approvers: { users: [U0APP1, U0APP2, U0APP3] }
actions:
  refresh: { cooldown: 0s }
`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sits between the bots and the fake proxy: holds each mutation for `delayMs` and counts overlaps. */
interface Gate {
  url: string;
  delayMs: number;
  inFlight: number;
  maxInFlight: number;
  mutations: number;
  server: Server;
}

async function startGate(target: string): Promise<Gate> {
  const gate = { url: '', delayMs: 0, inFlight: 0, maxInFlight: 0, mutations: 0 } as Gate;
  gate.server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const mutation = req.method === 'POST' && /\/auths\/[^/]+\/refresh$/.test(req.url ?? '');
    if (mutation) {
      gate.mutations++;
      gate.inFlight++;
      gate.maxInFlight = Math.max(gate.maxInFlight, gate.inFlight);
    }
    try {
      if (mutation) await sleep(gate.delayMs);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
      ) as Record<string, string>;
      const up = await fetch(`${target}${req.url}`, {
        method: req.method ?? 'GET',
        headers,
        ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
      });
      const body = Buffer.from(await up.arrayBuffer());
      if (mutation) gate.inFlight--; // the upstream change is done once it answered
      const out: Record<string, string> = {};
      up.headers.forEach((v, k) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k))
          out[k] = v;
      });
      res.writeHead(up.status, out);
      res.end(body);
    } catch {
      if (mutation) gate.inFlight--;
      res.destroy();
    }
  });
  await new Promise<void>((r) => gate.server.listen(0, '127.0.0.1', r));
  gate.url = `http://127.0.0.1:${(gate.server.address() as AddressInfo).port}`;
  return gate;
}

let pg: TestPostgres;
const dbs = testDatabases(() => pg.url);
let proxy: FakeProxy;
let slack: FakeSlack;
let gate: Gate;
let store: Store;
let a: Replica;
let b: Replica;

beforeAll(async () => {
  pg = await startPostgres();
  const database = await dbs.create();
  const seeded = kiroIdcFile({
    name: 'kiro-a.json',
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
  });
  proxy = await startFakeProxy({ files: [seeded.file], routes: { seedRefresh: true } });
  slack = await startFakeSlack({ botToken: BOT_TOKEN });
  gate = await startGate(proxy.url);
  const env = {
    CLIPROXY_URL: gate.url,
    CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
    AUTHBOT_DATABASE_URL: database,
  };
  [a, b] = (await Promise.all(
    [0, 1].map(() => spawnReplica({ env, policy: POLICY, slackApiUrl: slack.apiUrl, leaseMs: LEASE_MS })),
  )) as [Replica, Replica];
  store = await openStore(database);
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await store?.close();
  await slack?.close();
  await proxy?.close();
  gate?.server.close();
  await dbs.dropAll();
  await pg?.stop();
});

const text = (c: SlackCall) => `${String(c.args.text)} ${JSON.stringify(c.args.blocks ?? [])}`;
const threadOf = (ts: string, words: string) =>
  slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts && text(c).includes(words));
const updatesOf = (ts: string, words: string) =>
  slack.callsTo('chat.update').filter((c) => c.args.ts === ts && text(c).includes(words));

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

/** `/auth-refresh kiro` through `r`: the new request's id and message ts, or null when it was refused. */
async function ask(r: Replica, user: string): Promise<{ id: string; ts: string } | null> {
  const seen = new Set(slack.callsTo('chat.postMessage'));
  const refusals = slack.count('chat.postEphemeral');
  expect((await r.command('kiro', user, slack.responseUrl())).status).toBe(200);
  let call: SlackCall | undefined;
  await until('the request is posted or refused', () => {
    call = slack
      .callsTo('chat.postMessage')
      .find((c) => !seen.has(c) && c.args.thread_ts === undefined && buttonsOf(c).length > 0);
    return call !== undefined || slack.count('chat.postEphemeral') > refusals;
  });
  if (!call) return null;
  const id = buttonsOf(call).find((x) => x.actionId === 'approve')!.value;
  let ts: string | null | undefined;
  await until('the message ts is stored', async () => {
    ts = (await store.getRequest(id))?.messageTs;
    return Boolean(ts);
  });
  return { id, ts: ts as string };
}

describe('a replica paused past its liveness lease, then resumed', () => {
  it('reports no success over its interrupted execution, renews its own lease, and no second mutation of the target runs alongside its next one', async () => {
    // 1. A runs a refresh; it is paused while the proxy applies it
    gate.delayMs = 1000;
    const first = (await ask(a, 'U0REQ'))!;
    expect((await a.click('approve', first.id, 'U0APP1', first.ts, slack.responseUrl())).status).toBe(200);
    await until('the mutation reaches the proxy', () => gate.mutations === 1);
    a.child.kill('SIGSTOP');
    // B cannot tell the pause from a death: after A's lease lapses it marks the execution interrupted
    await until(
      'the paused execution is interrupted',
      async () => (await store.getRequest(first.id))?.state === 'interrupted',
      LEASE_MS * 4,
    );
    await until('the proxy has applied the change', () => gate.inFlight === 0);
    a.child.kill('SIGCONT');

    // 2. A, resumed, at once runs the next change on the same target; the proxy is slow this time
    gate.delayMs = 3500;
    const second = (await ask(a, 'U0REQ'))!;
    expect((await a.click('approve', second.id, 'U0APP2', second.ts, slack.responseUrl())).status).toBe(200);
    await until('the second mutation reaches the proxy', () => gate.mutations === 2);
    // meanwhile someone asks B for the same change, over and over, and approves whatever opens
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      const other = await ask(b, 'U0REQ');
      if (other) await b.click('approve', other.id, 'U0APP3', other.ts, slack.responseUrl());
      await sleep(300);
    }
    await until(
      'the second request is finished',
      async () => !['approved', 'running'].includes((await store.getRequest(second.id))?.state ?? ''),
      15_000,
    );
    // never two mutations of the target at once, and A kept its second execution
    expect(gate.maxInFlight).toBe(1);
    expect(gate.mutations).toBe(2);
    expect((await store.getRequest(second.id))?.state).toBe('verified');
    expect(threadOf(second.ts, 'Interrupted')).toHaveLength(0);
    await until(
      'the second request message says Verified',
      () => updatesOf(second.ts, 'Verified').length > 0,
    );

    // 3. the first execution stays interrupted: A reported no success over it, and recorded its late result
    expect((await store.getRequest(first.id))?.state).toBe('interrupted');
    expect(threadOf(first.ts, 'Interrupted')).toHaveLength(1);
    expect(threadOf(first.ts, 'Verif')).toHaveLength(0);
    expect(updatesOf(first.ts, 'Verified')).toHaveLength(0);
    expect((await store.listExecutions()).find((e) => e.requestId === first.id)?.outcome).toBe('interrupted');
    const late = (await store.listAudit({ correlationId: first.id, limit: 200 })).filter(
      (e) => e.kind === 'execution.late_result',
    );
    expect(late).toHaveLength(1);
  }, 90_000);
});
