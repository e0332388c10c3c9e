// The credential watch end to end: the real bot (Bolt over HTTP, SQLite) polls the fake proxy every
// second and posts to the fake Slack; the proxy's credentials change between polls.
import { afterEach, describe, expect, it } from 'vitest';
import { findBlockKitViolations } from '../../src/slack/views/limits.js';
import { blocksText, buttonsOf, E2E_POLICY, startWorld, type World } from '../approvals/e2e-helpers.js';
import { kiroIdcFile } from '../fakes/fake-proxy.js';
import type { SlackCall } from '../fakes/fake-slack.js';
import { startFakeSlack } from '../fakes/fake-slack.js';
import { BOT_TOKEN, startHarness } from './harness.js';

const WATCH_ENV = { AUTHBOT_WATCH_CHANNEL: 'C0INCIDENT', AUTHBOT_WATCH_INTERVAL: '1s' };
let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const isAlert = (c: SlackCall, words: string) =>
  c.method === 'chat.postMessage' && c.args.thread_ts === undefined && blocksText(c).includes(words);
const soon = (min: number) => new Date(Date.now() + min * 60_000).toISOString();
/** The ts the fake Slack gave a posted message (from its answer, as the bot stored it). */
async function tsOf(world: World, call: SlackCall): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const stored = await world.h.bot.store.watch.loadAlerts(world.proxy.url);
    const hit = stored.find(
      (a) =>
        a.messageTs &&
        !a.messageTs.startsWith('claim:') &&
        blocksText(call).includes(a.state.credential ?? '~'),
    );
    if (hit?.messageTs) return hit.messageTs;
    if (Date.now() > deadline) throw new Error('alert ts never stored');
    await sleep(50);
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('credential watch', () => {
  it('expiring → alert → Request fix approved from the alert → Verified → alert Resolved', async () => {
    w = await startWorld({ env: WATCH_ENV });
    const alert = await w.h.slack.waitFor((c) => isAlert(c, 'Token expiring soon'), 10_000);
    expect(blocksText(alert)).toContain('kiro-a.json');
    const texts = buttonsOf(alert).map((b) => b.text);
    expect(texts).toEqual(['Request fix', 'Silence', 'Run check']);
    const fix = buttonsOf(alert).find((b) => b.text === 'Request fix')!;
    await w.h.click(fix.actionId, fix.value, { user: 'U0REQ', channel: 'C0INCIDENT' });
    const request = await w.h.slack.waitFor(
      (c) => c.method === 'chat.postMessage' && buttonsOf(c).some((b) => b.actionId === 'approve'),
    );
    const approve = buttonsOf(request).find((b) => b.actionId === 'approve')!;
    await w.h.click('approve', approve.value, {
      user: 'U0BOB',
      channel: 'C0INCIDENT',
      messageTs: String(request.args.ts ?? '1.1'),
    });
    await w.h.slack.waitFor((c) => c.method === 'chat.update' && blocksText(c).includes('Verified'), 15_000);
    const resolved = await w.h.slack.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        blocksText(c).includes('Resolved') &&
        blocksText(c).includes('kiro-a.json'),
      10_000,
    );
    expect(buttonsOf(resolved)).toEqual([]);
    // one alert message for the whole episode
    expect(w.h.slack.calls.filter((c) => isAlert(c, 'Token expiring soon'))).toHaveLength(1);
  }, 40_000);

  it('20 credentials expiring at once make one grouped message', async () => {
    const files = Array.from(
      { length: 20 },
      (_, i) => kiroIdcFile({ name: `kiro-${String(i).padStart(2, '0')}.json`, expiresAt: soon(10) }).file,
    );
    w = await startWorld({ env: WATCH_ENV, proxy: { files } });
    const group = await w.h.slack.waitFor((c) => isAlert(c, '20 credentials'), 10_000);
    expect(blocksText(group)).toContain('kiro-19.json');
    await sleep(2500);
    const alerts = w.h.slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.args.thread_ts === undefined,
    );
    expect(alerts).toHaveLength(1);
  }, 30_000);

  it('a dead proxy is one proxy-down alert, with no per-credential alerts', async () => {
    w = await startWorld({ env: WATCH_ENV });
    await w.proxy.setFault({ kind: 'down' });
    await w.h.slack.waitFor((c) => isAlert(c, 'Proxy management API unreachable'), 12_000);
    await sleep(2500);
    const posted = w.h.slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.args.thread_ts === undefined,
    );
    expect(posted.map((c) => blocksText(c).includes('Proxy management API unreachable'))).toEqual([true]);
    await w.proxy.setFault({ kind: 'none' });
    await w.h.slack.waitFor((c) => c.method === 'chat.update' && blocksText(c).includes('Resolved'), 10_000);
  }, 40_000);

  it('a silenced credential fires no message and resolves quietly', async () => {
    w = await startWorld({ env: WATCH_ENV, proxy: { files: [] } });
    const res = await w.h.command('/auth-watch', 'silence kiro-s.json 1h', {
      user: 'U0ALICE',
      channel: 'C0INCIDENT',
    });
    expect(res.status).toBe(200);
    const answer = await w.h.slack.waitFor(
      (c) => c.method === 'response_url' && String(c.args.text).includes('Silenced'),
    );
    const id = /SIL-[A-Z0-9]{8}/.exec(String(answer.args.text))?.[0];
    expect(id).toBeDefined();
    w.proxy.putFile({ ...kiroIdcFile({ name: 'kiro-s.json', expiresAt: soon(-5) }).file });
    await sleep(3000);
    w.proxy.putFile({ ...kiroIdcFile({ name: 'kiro-s.json', expiresAt: soon(600) }).file });
    await sleep(3500);
    expect(
      w.h.slack.calls.filter((c) => c.method.startsWith('chat.') && c.method !== 'chat.postEphemeral'),
    ).toEqual([]);
    const audit = await w.h.bot.store.listAudit({ correlationId: id as string });
    expect(audit.map((e) => e.kind)).toEqual(['watch.silenced']);
    await w.h.command('/auth-watch', '', { user: 'U0ALICE', channel: 'C0INCIDENT' });
    await w.h.slack.waitFor((c) => c.method === 'response_url' && String(c.args.text).includes(id as string));
  }, 30_000);

  it('a restart keeps the alert state: nothing re-posted, a resolved alert stays resolved', async () => {
    w = await startWorld({
      env: WATCH_ENV,
      proxy: { files: [kiroIdcFile({ name: 'kiro-x.json', expiresAt: soon(-1) }).file] },
    });
    await w.h.slack.waitFor((c) => isAlert(c, 'Token expired'), 10_000);
    w.proxy.putFile(kiroIdcFile({ name: 'kiro-y.json', expiresAt: soon(-1) }).file);
    await w.h.slack.waitFor((c) => isAlert(c, 'kiro-y.json'), 10_000);
    w.proxy.state.files.delete('kiro-y.json');
    await w.h.slack.waitFor((c) => c.method === 'chat.update' && blocksText(c).includes('Resolved'), 10_000);
    const { slack, dataDir, env } = w.h;
    await w.h.stop(false);
    const before = slack.calls.length;
    const h = await startHarness({ slack, dataDir, env, policy: E2E_POLICY });
    w = { ...w, h };
    await sleep(3500);
    const after = slack.calls.slice(before).filter((c) => c.method.startsWith('chat.'));
    expect(after).toEqual([]);
  }, 40_000);

  it('300 problems on the first poll post grouped messages; a Slack 429 is retried after Retry-After', async () => {
    const expired = Array.from(
      { length: 150 },
      (_, i) => kiroIdcFile({ name: `kiro-e${i}.json`, expiresAt: soon(-1) }).file,
    );
    const stopped = Array.from({ length: 150 }, (_, i) => ({
      ...kiroIdcFile({ name: `kiro-s${i}.json`, expiresAt: soon(600) }).file,
      status: 'error',
      statusMessage: 'unauthorized',
      unavailable: true,
    }));
    const slack = await startFakeSlack({ botToken: BOT_TOKEN });
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    w = await startWorld({ env: WATCH_ENV, proxy: { files: [...expired, ...stopped] }, slack });
    const first = await w.h.slack.waitFor((c) => isAlert(c, '150 credentials'), 15_000);
    await w.h.slack.waitFor(
      (c) => isAlert(c, '150 credentials') && blocksText(c) !== blocksText(first),
      15_000,
    );
    await sleep(2500);
    // the fake records the refused attempt too: three posts, two distinct messages
    const posted = w.h.slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.args.thread_ts === undefined,
    );
    expect(posted).toHaveLength(3);
    expect(new Set(posted.map(blocksText)).size).toBe(2);
    // the refused one was sent again, after Retry-After (1 s)
    const [refused, retried] = posted.filter((c) => blocksText(c) === blocksText(posted[0]!));
    expect(retried!.at - refused!.at).toBeGreaterThanOrEqual(950);
    for (const m of posted) expect(findBlockKitViolations(m.args.blocks)).toEqual([]);
  }, 40_000);

  it('re-announces a firing alert in its thread every AUTHBOT_WATCH_REPEAT', async () => {
    w = await startWorld({
      env: { ...WATCH_ENV, AUTHBOT_WATCH_REPEAT: '2s' },
      proxy: { files: [kiroIdcFile({ name: 'kiro-r.json', expiresAt: soon(-1) }).file] },
    });
    const alert = await w.h.slack.waitFor((c) => isAlert(c, 'Token expired'), 10_000);
    const ts = await tsOf(w, alert);
    const reply = await w.h.slack.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && c.args.thread_ts === ts && blocksText(c).includes('Still firing'),
      10_000,
    );
    expect(blocksText(reply)).toContain('Silence');
  }, 30_000);

  it('a cooldown → stuck past its retry time → reset-cooldown from the alert → Verified → Resolved', async () => {
    const seeded = kiroIdcFile({ name: 'kiro-c.json', expiresAt: soon(600) });
    w = await startWorld({
      env: WATCH_ENV,
      policy: `${E2E_POLICY}  reset-cooldown: { cooldown: 0s }\n`,
      proxy: {
        files: [
          {
            ...seeded.file,
            status: 'error',
            statusMessage: 'quota exhausted',
            unavailable: true,
            nextRetryAfter: new Date(Date.now() + 2500).toISOString(),
          },
        ],
      },
    });
    await w.h.slack.waitFor((c) => isAlert(c, 'Cooling down (quota)'), 10_000);
    const stale = await w.h.slack.waitFor((c) => isAlert(c, 'Cooldown stuck past its retry time'), 15_000);
    const fix = buttonsOf(stale).find((b) => b.text === 'Request fix')!;
    await w.h.click(fix.actionId, fix.value, { user: 'U0REQ', channel: 'C0INCIDENT' });
    const request = await w.h.slack.waitFor(
      (c) => c.method === 'chat.postMessage' && buttonsOf(c).some((b) => b.actionId === 'approve'),
    );
    expect(blocksText(request)).toContain('kiro-c.json');
    const approve = buttonsOf(request).find((b) => b.actionId === 'approve')!;
    await w.h.click('approve', approve.value, { user: 'U0BOB', channel: 'C0INCIDENT' });
    await w.h.slack.waitFor((c) => c.method === 'chat.update' && blocksText(c).includes('Verified'), 15_000);
    expect(
      w.proxy.callsTo('/v0/management/reset-quota', 'POST').filter((c) => c.body.includes('auth_index')),
    ).toHaveLength(1);
    await w.h.slack.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        blocksText(c).includes('Resolved') &&
        blocksText(c).includes('kiro-c.json'),
      10_000,
    );
  }, 45_000);

  it('hostile button values are refused without touching the proxy', async () => {
    w = await startWorld({ env: { ...WATCH_ENV, AUTHBOT_WATCH_INTERVAL: '1h' } });
    const before = w.proxy.calls.length;
    for (const value of ['', 'x'.repeat(5000), 'expired|../../etc/passwd', '{"a":1}', 'expired|nope.json']) {
      const r = await w.h.click('watch_fix', value, { user: 'U0REQ', channel: 'C0INCIDENT' });
      expect(r.status).toBe(200);
    }
    await w.h.slack.waitFor(
      () =>
        w!.h.slack.calls.filter(
          (c) => c.method === 'response_url' && String(c.args.text).includes('no longer known'),
        ).length === 5,
    );
    // only the watch's and the snapshotter's reads: no request, no mutation
    expect(w.proxy.calls.slice(before).filter((c) => c.method !== 'GET')).toEqual([]);
  }, 20_000);
});
