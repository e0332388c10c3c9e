// /auth-status end to end over HTTP: answers from the proxy, and answers in time when the proxy hangs.
import { afterEach, describe, expect, it } from 'vitest';
import { askRefresh, click, startWorld, updateFor, type World } from '../approvals/e2e-helpers.js';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';
import { type Harness, startHarness } from './harness.js';

let proxy: FakeProxy;
let h: Harness;
afterEach(async () => {
  await h?.stop();
  await proxy?.close();
});

async function start(): Promise<void> {
  proxy = await startFakeProxy({ version: 'v6.9.3-0', files: [kiroIdcFile({ clientSecret: false }).file] });
  h = await startHarness({
    env: { CLIPROXY_URL: proxy.url, CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY },
  });
}

describe('/auth-status over HTTP', () => {
  it('acks at once and answers with each credential, its problems and their runbook rows', async () => {
    await start();
    const started = Date.now();
    const res = await h.command('/auth-status', 'kiro', { responseUrl: h.slack.responseUrl('status-1') });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    const reply = await h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'status-1');
    const text = JSON.stringify(reply.args.blocks);
    expect(reply.args.response_type).toBe('ephemeral');
    for (const words of ['kiro', 'v6.9.3-0', 'client_secret', 'kiro-idc-refresh'])
      expect(text).toContain(words);
  });

  it('answers within 10 s with what went wrong when the proxy hangs', async () => {
    await start();
    await proxy.setFault({ kind: 'hang', scope: 'all' });
    const started = Date.now();
    const res = await h.command('/auth-status', '', { responseUrl: h.slack.responseUrl('status-hang') });
    expect(res.status).toBe(200);
    const reply = await h.slack.waitFor(
      (c) => c.method === 'response_url' && c.args.id === 'status-hang',
      12_000,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(String(reply.args.text)).toMatch(/did not answer|took longer|timed out/i);
  }, 20_000);
});

describe('/auth-status answers from a recent read', () => {
  const statusAck = async (w: World, id: string) => {
    const res = await w.h.command('/auth-status', 'kiro', {
      user: 'U0REQ',
      channel: 'C0INCIDENT',
      responseUrl: w.h.slack.responseUrl(id),
    });
    expect(res.status).toBe(200);
    const body = await res.text();
    return body
      ? (JSON.parse(body) as { response_type?: string; text?: string; blocks?: unknown[] })
      : undefined;
  };
  /** The read time (epoch seconds) an answer shows in its "Read from the proxy at" line. */
  const readAtOf = (blocks: unknown) =>
    Number(/<!date\^(\d+)\^Read from the proxy at/.exec(JSON.stringify(blocks))?.[1]);
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('in the HTTP acknowledgement itself, and reads the proxy afresh after the bot refreshed a credential', async () => {
    // a long max age: only the bot's own fix can explain a fresh read below
    w = await startWorld({ env: { AUTHBOT_STATUS_MAX_AGE: '5m' } });
    const world = w;
    const downloads = () => world.proxy.callsTo('/v0/management/auth-files/download').length;
    expect(await statusAck(world, 'first')).toBeUndefined(); // empty ack, answer through response_url
    const first = await world.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'first');
    const before = downloads();

    const again = await statusAck(world, 'again');
    expect(again?.response_type).toBe('ephemeral');
    expect(again?.text).toBe(first.args.text);
    expect(JSON.stringify(again?.blocks)).toContain('Read from the proxy at');
    expect(readAtOf(again?.blocks)).toBe(readAtOf(first.args.blocks));
    expect(downloads()).toBe(before);

    // an approved refresh changes the credential on the proxy: the next /auth-status must read it again
    const { id } = await askRefresh(world);
    await click(world, 'approve', id, 'U0ALICE');
    await updateFor(world, 'Verified', 15_000);
    expect(await statusAck(world, 'after-fix')).toBeUndefined();
    const after = await world.h.slack.waitFor(
      (c) => c.method === 'response_url' && c.args.id === 'after-fix',
    );
    expect(readAtOf(after.args.blocks)).toBeGreaterThan(0); // a read of its own: answered through response_url
    expect(world.h.slack.callsTo('response_url').some((c) => c.args.id === 'again')).toBe(false);
    const metrics = await (await fetch(`${world.h.bot.url}/metrics`)).text();
    expect(metrics).toMatch(/authbot_status_answers_total\{source="recent_read"\} 1\b/);
    expect(metrics).toMatch(/authbot_status_answers_total\{source="proxy_read"\} 2\b/);
  }, 30_000);

  it('AUTHBOT_STATUS_MAX_AGE=0s: every command waits for its own read of the proxy', async () => {
    w = await startWorld({ env: { AUTHBOT_STATUS_MAX_AGE: '0s' } });
    const world = w;
    for (const id of ['one', 'two']) {
      expect(await statusAck(world, id)).toBeUndefined();
      await world.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === id);
    }
    expect(world.proxy.callsTo('/v0/management/auth-files').length).toBeGreaterThanOrEqual(2);
  });
});
