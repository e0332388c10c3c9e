// The credential watch's operations end to end (the real bot over HTTP, SQLite, the fake proxy and the
// fake Slack): its /metrics, the daily digest across a restart, a proxy that fails for one poll or two,
// and the start-up log when the watch is off.
import { afterEach, describe, expect, it } from 'vitest';
import {
  afterEachWatchRead,
  blocksText,
  E2E_POLICY,
  startWorld,
  type World,
} from '../approvals/e2e-helpers.js';
import { kiroIdcFile } from '../fakes/fake-proxy.js';
import type { SlackCall } from '../fakes/fake-slack.js';
import { startHarness } from './harness.js';

const WATCH_ENV = { AUTHBOT_WATCH_CHANNEL: 'C0INCIDENT', AUTHBOT_WATCH_INTERVAL: '1s' };
let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const at = (min: number) => new Date(Date.now() + min * 60_000).toISOString();
const topLevel = (c: SlackCall) => c.method === 'chat.postMessage' && c.args.thread_ts === undefined;
const isAlert = (c: SlackCall, words: string) => topLevel(c) && blocksText(c).includes(words);
const metric = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('credential watch operations', () => {
  it('/metrics shows polls, poll duration, firing alerts and transitions after a poll', async () => {
    w = await startWorld({
      env: WATCH_ENV,
      proxy: { files: [kiroIdcFile({ name: 'kiro-x.json', expiresAt: at(-5) }).file] },
    });
    await w.h.slack.waitFor((c) => isAlert(c, 'Token expired'), 10_000);
    await sleep(1500);
    const text = await (await fetch(`${w.h.bot.url}/metrics`)).text();
    expect(metric(text, 'authbot_watch_polls_total{outcome="ok"}')).toBeGreaterThanOrEqual(2);
    expect(metric(text, 'authbot_watch_poll_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(metric(text, 'authbot_alerts_firing{condition="expired"}')).toBe(1);
    expect(metric(text, 'authbot_alerts_firing{condition="expiring"}')).toBe(0);
    expect(metric(text, 'authbot_alert_transitions_total{condition="expired",to="fire"}')).toBe(1);

    // the credential is refreshed: two clean polls resolve it, and the gauge and the counter follow
    w.proxy.putFile(kiroIdcFile({ name: 'kiro-x.json', expiresAt: at(600) }).file);
    await w.h.slack.waitFor((c) => c.method === 'chat.update' && blocksText(c).includes('Resolved'), 10_000);
    const after = await (await fetch(`${w.h.bot.url}/metrics`)).text();
    expect(metric(after, 'authbot_alerts_firing{condition="expired"}')).toBe(0);
    expect(metric(after, 'authbot_alert_transitions_total{condition="expired",to="resolve"}')).toBe(1);
  }, 30_000);

  it('posts one digest a day (not again after a restart) listing credentials by state and expiries', async () => {
    const files = [
      kiroIdcFile({ name: 'kiro-soon.json', expiresAt: at(120) }).file,
      kiroIdcFile({ name: 'kiro-later.json', expiresAt: at(3 * 24 * 60) }).file,
      { ...kiroIdcFile({ name: 'kiro-off.json', expiresAt: at(3 * 24 * 60) }).file, disabled: true },
    ];
    // 00:00 UTC has always passed today: the first poll is due to post today's digest
    w = await startWorld({ env: { ...WATCH_ENV, AUTHBOT_DIGEST_AT: '00:00' }, proxy: { files } });
    const digest = await w.h.slack.waitFor((c) => isAlert(c, 'Credential digest'), 10_000);
    const text = blocksText(digest);
    expect(text).toContain(new Date().toISOString().slice(0, 10));
    expect(text).toMatch(/active 2/);
    expect(text).toMatch(/disabled 1/);
    expect(text).toContain('Expiring in the next 24 h: 1');
    expect(text).toContain('kiro-soon.json');
    expect(text).not.toContain('kiro-later.json');
    await sleep(2500);
    expect(w.h.slack.calls.filter((c) => isAlert(c, 'Credential digest'))).toHaveLength(1);

    const { slack, dataDir, env } = w.h;
    await w.h.stop(false);
    const h = await startHarness({ slack, dataDir, env, policy: E2E_POLICY });
    w = { ...w, h };
    await sleep(3000);
    expect(h.logs()).toContain('credential watch on');
    expect(slack.calls.filter((c) => isAlert(c, 'Credential digest'))).toHaveLength(1);
  }, 40_000);

  it('garbage from the proxy for one poll neither resolves alerts nor fires proxy-down; two failures do', async () => {
    w = await startWorld({
      env: WATCH_ENV,
      proxy: { files: [kiroIdcFile({ name: 'kiro-x.json', expiresAt: at(-5) }).file] },
    });
    await w.h.slack.waitFor((c) => isAlert(c, 'Token expired'), 10_000);
    const proxy = w.proxy;
    const list = () => proxy.callsTo('/v0/management/auth-files', 'GET');
    const store = w.h.bot.store;

    // one poll reads garbage, then the proxy is fine again
    const before = list().length;
    await proxy.setFault({ kind: 'non-json', scope: /\/auth-files$/ });
    const failedPolls = async () =>
      metric(
        await (await fetch(`${w!.h.bot.url}/metrics`)).text(),
        'authbot_watch_polls_total{outcome="proxy_error"}',
      );
    for (let i = 0; (await failedPolls()) === undefined; i++) {
      if (i > 500) throw new Error('the watch did not poll');
      await sleep(5);
    }
    await proxy.setFault({ kind: 'none' });
    // that poll is saved (the metric follows the save) and held the credential alerts: it did not count
    // as a poll without the condition, which two in a row would resolve
    const held = (await store.watch.loadAlerts(proxy.url)).find((a) => a.state.condition === 'expired');
    expect(held?.state.phase).toBe('firing');
    expect(held?.state.absentPolls).toBe(0);
    expect(
      list()
        .slice(before)
        .filter((c) => c.status === 200).length,
    ).toBeLessThanOrEqual(2);
    await sleep(2500);
    const again = (await store.watch.loadAlerts(proxy.url)).map((a) => a.state);
    expect(again.filter((a) => a.phase === 'firing').map((a) => a.condition)).toEqual(['expired']);
    expect(again.find((a) => a.condition === 'proxy-down')).toBeUndefined();
    expect(w.h.slack.calls.filter((c) => c.method === 'chat.update')).toEqual([]);
    expect(w.h.slack.calls.filter((c) => isAlert(c, 'Proxy management API unreachable'))).toEqual([]);

    // 500s on consecutive polls: proxy-down fires once; the credential alert is held, not resolved
    await proxy.setFault({ kind: 'status', status: 500, times: 10_000, scope: /\/auth-files$/ });
    await w.h.slack.waitFor((c) => isAlert(c, 'Proxy management API unreachable'), 10_000);
    const states = (await store.watch.loadAlerts(proxy.url)).map((a) => a.state);
    expect(states.find((a) => a.condition === 'expired')?.phase).toBe('firing');
    await proxy.setFault({ kind: 'none' });
    await w.h.slack.waitFor(
      (c) =>
        c.method === 'chat.update' && blocksText(c).includes('Resolved') && blocksText(c).includes('proxy'),
      10_000,
    );
    expect(w.h.slack.calls.filter((c) => isAlert(c, 'Proxy management API unreachable'))).toHaveLength(1);
    expect(w.h.slack.calls.filter((c) => isAlert(c, 'Token expired'))).toHaveLength(1);
  }, 40_000);

  it('a proxy answering garbage on every other poll is one proxy-down alert, marked flapping', async () => {
    w = await startWorld({
      env: WATCH_ENV,
      proxy: { files: [kiroIdcFile({ name: 'kiro-ok.json', expiresAt: at(600) }).file] },
    });
    // after each poll's list read, the next one fails or not: ok, garbage, ok, garbage, ...
    await afterEachWatchRead(w, 10, (n) =>
      w!.proxy.setFault(n % 2 === 1 ? { kind: 'non-json', scope: /\/auth-files$/ } : { kind: 'none' }),
    );
    const down = w.h.slack.calls.filter((c) => isAlert(c, 'Proxy management API unreachable'));
    expect(down).toHaveLength(1);
    expect(blocksText(down[0]!)).toContain('Flapping');
    expect(w.h.slack.calls.some((c) => blocksText(c).includes('Resolved'))).toBe(false);
  }, 30_000);

  it('says in the start-up log that the watch is off when AUTHBOT_WATCH_CHANNEL is unset', async () => {
    w = await startWorld();
    expect(w.h.logs()).toContain('credential watch off: AUTHBOT_WATCH_CHANNEL is not set');
    expect(w.h.logs()).not.toContain('credential watch on');
    await sleep(1500);
    expect(w.h.slack.calls.filter(topLevel)).toEqual([]);
    await w.h.command('/auth-watch', '', { responseUrl: w.h.slack.responseUrl('watch-off') });
    const answer = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'watch-off');
    expect(String(answer.args.text)).toContain('The watch is off: set AUTHBOT_WATCH_CHANNEL');
  }, 20_000);
});
