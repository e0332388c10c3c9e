// Two bot processes sharing one PostgreSQL database: either one can take a click on the other's request;
// a burst of approvals over both executes once; sweeping and snapshotting are not done twice.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXPIRED_REPLY } from '../../src/approvals/cast-vote.js';
import { buttonsOf } from '../approvals/e2e-helpers.js';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';
import { type FakeSlack, type SlackCall, startFakeSlack } from '../fakes/fake-slack.js';
import { startPostgres, type TestPostgres, testDatabases } from '../setup/postgres.js';
import { BOT_TOKEN, type Harness, startHarness } from './harness.js';

const APPROVERS = Array.from({ length: 10 }, (_, i) => `U0APP${i}`);
const POLICY = (extra = '') => `
channels: [C0INCIDENT]
approvers: { users: [${APPROVERS.join(', ')}] }
actions:
  refresh: { cooldown: 0s${extra} }
`;
const REFRESH = '/v0/management/auths/kiro/refresh';

let pg: TestPostgres;
const dbs = testDatabases(() => pg.url);
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await dbs.dropAll();
  await pg?.stop();
});

interface Pair {
  a: Harness;
  b: Harness;
  slack: FakeSlack;
  proxy: FakeProxy;
}
let pair: Pair | undefined;
afterEach(async () => {
  if (!pair) return;
  await pair.a.stop(false);
  await pair.b.stop(false);
  await pair.slack.close();
  await pair.proxy.close();
  pair = undefined;
});

async function startPair(options: { policy?: string; env?: Record<string, string> } = {}): Promise<Pair> {
  const database = await dbs.create();
  const seeded = kiroIdcFile({
    name: 'kiro-a.json',
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
  });
  const proxy = await startFakeProxy({ files: [seeded.file], routes: { seedRefresh: true } });
  const slack = await startFakeSlack({ botToken: BOT_TOKEN });
  const start = () =>
    startHarness({
      slack,
      policy: options.policy ?? POLICY(),
      env: {
        CLIPROXY_URL: proxy.url,
        CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
        AUTHBOT_DATABASE_URL: database,
        ...options.env,
      },
    });
  const a = await start();
  const b = await start();
  pair = { a, b, slack, proxy };
  return pair;
}

const text = (c: SlackCall) => `${String(c.args.text)} ${JSON.stringify(c.args.blocks ?? [])}`;

/** /auth-refresh kiro through `h`; resolves to the request id and the ts of its message. */
async function ask(p: Pair, h: Harness): Promise<{ id: string; ts: string }> {
  const seen = new Set(p.slack.callsTo('chat.postMessage'));
  const res = await h.command('/auth-refresh', 'kiro', { user: 'U0REQ', channel: 'C0INCIDENT' });
  expect(res.status).toBe(200);
  const call = await p.slack.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      !seen.has(c) &&
      c.args.thread_ts === undefined &&
      buttonsOf(c).some((b) => b.actionId === 'approve'),
  );
  const id = buttonsOf(call).find((b) => b.actionId === 'approve')!.value;
  // the message ts is stored right after chat.postMessage answers
  const deadline = Date.now() + 5000;
  for (;;) {
    const ts = (await h.bot.store.getRequest(id))?.messageTs;
    if (ts) return { id, ts };
    if (Date.now() > deadline) throw new Error('request message ts was never stored');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const updatesOf = (p: Pair, ts: string, words: string) =>
  p.slack.callsTo('chat.update').filter((c) => c.args.ts === ts && text(c).includes(words));
const repliesOf = (p: Pair, ts: string, words: string) =>
  p.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts && text(c).includes(words));

describe('two replicas on one PostgreSQL database', () => {
  it('executes a request made through one replica when it is approved through the other', async () => {
    const p = await startPair();
    const { id, ts } = await ask(p, p.a);
    const res = await p.b.click('approve', id, { user: 'U0APP1', channel: 'C0INCIDENT', messageTs: ts });
    expect(res.status).toBe(200);
    await p.slack.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && text(c).includes('Verified'),
      15_000,
    );
    expect(p.proxy.callsTo(REFRESH, 'POST')).toHaveLength(1);
    const executions = (await p.a.bot.store.listExecutions()).filter((e) => e.requestId === id);
    expect(executions.map((e) => e.outcome)).toEqual(['verified']);
  });

  it('executes once when 50 approve clicks arrive at once, spread over both replicas', async () => {
    const p = await startPair();
    const { id, ts } = await ask(p, p.b);
    const clicks = Array.from({ length: 50 }, (_, i) =>
      (i % 2 === 0 ? p.a : p.b).click('approve', id, {
        user: APPROVERS[i % APPROVERS.length] as string,
        channel: 'C0INCIDENT',
        messageTs: ts,
      }),
    );
    const answers = await Promise.all(clicks);
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    await p.slack.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && text(c).includes('Verified'),
      15_000,
    );
    // let every late click finish on both replicas before counting
    await new Promise((r) => setTimeout(r, 1000));
    expect(p.proxy.callsTo(REFRESH, 'POST')).toHaveLength(1);
    const executions = (await p.a.bot.store.listExecutions()).filter((e) => e.requestId === id);
    expect(executions).toHaveLength(1);
    expect(repliesOf(p, ts, 'Verified')).toHaveLength(1);
    const votes = await p.a.bot.store.listVotes(id);
    expect(votes.filter((v) => v.decision === 'approve').length).toBeGreaterThanOrEqual(1);
  });

  it('expires an unanswered request once: one message update, one thread reply, one audit event', async () => {
    const p = await startPair({ policy: POLICY(', ttl: 1s') });
    const { id, ts } = await ask(p, p.a);
    await p.slack.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && text(c).includes('Expired'),
      10_000,
    );
    // several more sweep intervals (2 s) on both replicas
    await new Promise((r) => setTimeout(r, 4500));
    expect(updatesOf(p, ts, 'Expired')).toHaveLength(1);
    expect(repliesOf(p, ts, EXPIRED_REPLY.slice(0, 20))).toHaveLength(1);
    const audit = await p.b.bot.store.listAudit({ correlationId: id, limit: 500 });
    expect(audit.filter((e) => e.kind === 'request.expired')).toHaveLength(1);
  });

  it("does not interrupt a live replica's running execution when another replica starts", async () => {
    const p = await startPair();
    const { id, ts } = await ask(p, p.a);
    await p.proxy.setFault({ kind: 'hang', scope: /\/auths\/kiro\/refresh$/ });
    await p.a.click('approve', id, { user: 'U0APP2', channel: 'C0INCIDENT', messageTs: ts });
    const deadline = Date.now() + 10_000;
    while (p.proxy.callsTo(REFRESH, 'POST').length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    const [execution] = await p.a.bot.store.listExecutions({ running: true });
    expect(execution?.requestId).toBe(id);
    // a third replica starts (start-up recovery runs) while the first one is still executing
    const c = await startHarness({
      slack: p.slack,
      policy: POLICY(),
      env: p.b.env as Record<string, string>,
    });
    try {
      expect(await c.bot.store.listExecutions({ running: true })).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 500));
      expect((await c.bot.store.getRequest(id))?.state).toBe('running');
      expect(updatesOf(p, ts, 'Interrupted')).toHaveLength(0);
    } finally {
      await c.stop(false);
    }
    // the owner finishes it (the proxy call times out after 5 s): failed, reported once, nothing left running
    await p.slack.waitFor(
      (m) => m.method === 'chat.update' && m.args.ts === ts && text(m).includes('Failed'),
      10_000,
    );
    expect(await p.a.bot.store.listExecutions({ running: true })).toEqual([]);
    expect(p.proxy.callsTo(REFRESH, 'POST')).toHaveLength(1);
  });

  it('takes at most one interval snapshot per interval slot across both replicas', async () => {
    const intervalMs = 1000;
    const started = Date.now(); // the replicas tick once at start
    const p = await startPair({ env: { AUTHBOT_SNAPSHOT_INTERVAL: '1s' } });
    // the config changes all the time, so every claimed slot stores a snapshot
    const base = p.proxy.state.configYaml;
    let n = 0;
    const changer = setInterval(() => {
      p.proxy.state.configYaml = `${base}# change ${++n}\n`;
    }, 50);
    await new Promise((r) => setTimeout(r, 4200));
    clearInterval(changer);
    // counted in this order (a claim is logged before its read and store), so each counted has its slot
    const reads = p.proxy.callsTo('/v0/management/config.yaml', 'GET').length;
    const taken = (await p.a.bot.store.listSnapshots(1000)).filter((s) => s.reason === 'interval');
    // each replica logs the slot (database clock) it claimed before reading config.yaml
    const slots = [p.a, p.b].flatMap((h) =>
      h
        .logs()
        .split('\n')
        .filter((line) => line.includes('interval snapshot slot claimed'))
        .map((line) => (JSON.parse(line) as { slot: number }).slot),
    );
    const elapsed = Date.now() - started;
    expect(slots.length).toBeGreaterThanOrEqual(3);
    expect(new Set(slots).size).toBe(slots.length); // never the same slot twice
    for (const slot of slots) expect(slot % intervalMs).toBe(0);
    expect(slots.length).toBeLessThanOrEqual(Math.ceil(elapsed / intervalMs) + 1);
    expect(taken.length).toBeGreaterThanOrEqual(3);
    expect(taken.length).toBeLessThanOrEqual(slots.length);
    // config.yaml is read only by the replica that claimed the slot: once per claimed slot
    expect(reads).toBeLessThanOrEqual(slots.length);
  });
});
