// The watch's grouped and cooldown alerts end to end (the real bot over HTTP, SQLite, the fake proxy and
// the fake Slack): a grouped alert is re-announced once per group, members resolve one by one inside it,
// and a cooldown alert's Request fix asks for reset-cooldown only when the bot can run it.
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_NAMES } from '../../src/domain/approvals/policy.js';
import {
  afterEachWatchRead,
  blocksText,
  buttonsOf,
  startWorld,
  type World,
} from '../approvals/e2e-helpers.js';
import { kiroIdcFile } from '../fakes/fake-proxy.js';
import type { SlackCall } from '../fakes/fake-slack.js';

const WATCH_ENV = { AUTHBOT_WATCH_CHANNEL: 'C0INCIDENT', AUTHBOT_WATCH_INTERVAL: '1s' };
let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const at = (min: number) => new Date(Date.now() + min * 60_000).toISOString();
const isAlert = (c: SlackCall, words: string) =>
  c.method === 'chat.postMessage' && c.args.thread_ts === undefined && blocksText(c).includes(words);

describe('grouped and cooldown watch alerts', () => {
  it('re-announces a group once per repeat, and resolves its credentials one by one inside it', async () => {
    const files = Array.from(
      { length: 8 },
      (_, i) => kiroIdcFile({ name: `kiro-g${i}.json`, expiresAt: at(-5) }).file,
    );
    w = await startWorld({ env: { ...WATCH_ENV, AUTHBOT_WATCH_REPEAT: '2s' }, proxy: { files } });
    await w.h.slack.waitFor((c) => isAlert(c, '8 credentials'), 10_000);
    // the ts the fake Slack gave the grouped message, once the bot has stored it
    let ts: string | null | undefined;
    for (let i = 0; !ts; i++) {
      if (i > 100) throw new Error('the group message ts was never stored');
      const stored = await w.h.bot.store.watch.loadAlerts(w.proxy.url);
      ts = stored.find((a) => a.messageTs && !a.messageTs.startsWith('claim:'))?.messageTs;
      await sleep(50);
    }
    const replies = () =>
      w!.h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts === ts);
    await w.h.slack.waitFor((c) => replies().includes(c) && blocksText(c).includes('Still firing'), 10_000);
    await sleep(3000);
    // one reply per repeat interval (2 s) for the whole group, never one per credential
    const repeats = replies().filter((c) => blocksText(c).includes('Still firing'));
    expect(repeats.length).toBeGreaterThanOrEqual(1);
    expect(repeats.length).toBeLessThanOrEqual(3);
    expect(blocksText(repeats[0]!)).toContain('8 of 8 credentials');

    // two credentials are refreshed: the group message marks those two resolved, the rest still fire
    for (const name of ['kiro-g0.json', 'kiro-g1.json'])
      w.proxy.putFile(kiroIdcFile({ name, expiresAt: at(600) }).file);
    const edited = await w.h.slack.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && blocksText(c).includes('2 resolved'),
      10_000,
    );
    expect(blocksText(edited)).toContain('~kiro-g0.json~ resolved');
    expect(blocksText(edited)).not.toContain('~kiro-g2.json~');
    expect(blocksText(edited)).not.toContain('*Resolved*');
    expect(w.h.slack.calls.filter((c) => isAlert(c, 'Token expired'))).toHaveLength(1);
  }, 40_000);

  it('Request fix on a cooldown alert asks for reset-cooldown only when the bot can run it', async () => {
    const cooling = {
      ...kiroIdcFile({ name: 'kiro-c.json', expiresAt: at(600) }).file,
      status: 'error',
      statusMessage: 'quota exhausted',
      unavailable: true,
    };
    w = await startWorld({ env: WATCH_ENV, proxy: { files: [cooling] } });
    const alert = await w.h.slack.waitFor((c) => isAlert(c, 'Cooling down'), 10_000);
    expect(blocksText(alert)).toContain('reset-cooldown');
    const fix = buttonsOf(alert).find((b) => b.text === 'Request fix');
    expect(fix).toBeDefined();
    const before = w.proxy.calls.length;
    await w.h.click(fix!.actionId, fix!.value, { user: 'U0REQ', responseUrl: w.h.slack.responseUrl('fix') });
    if ((ACTION_NAMES as readonly string[]).includes('reset-cooldown')) {
      // the engine knows the action: the usual approval request opens
      await w.h.slack.waitFor(
        (c) => c.method === 'chat.postMessage' && buttonsOf(c).some((b) => b.text === 'Approve'),
        10_000,
      );
    } else {
      const answer = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'fix');
      expect(String(answer.args.text)).toContain('cannot run `reset-cooldown`');
      await sleep(500);
      expect(await w.h.bot.store.listRequests({ limit: 10 })).toEqual([]);
      expect(w.proxy.calls.slice(before).filter((c) => c.method !== 'GET')).toEqual([]);
    }
  }, 30_000);

  it('an expired alert that resolved and expires again is posted anew', async () => {
    w = await startWorld({
      env: WATCH_ENV,
      proxy: { files: [kiroIdcFile({ name: 'kiro-x.json', expiresAt: at(-5) }).file] },
    });
    await w.h.slack.waitFor((c) => isAlert(c, 'Token expired'), 10_000);
    w.proxy.putFile(kiroIdcFile({ name: 'kiro-x.json', expiresAt: at(600) }).file);
    await w.h.slack.waitFor((c) => c.method === 'chat.update' && blocksText(c).includes('Resolved'), 10_000);
    w.proxy.putFile(kiroIdcFile({ name: 'kiro-x.json', expiresAt: at(-1) }).file);
    await w.h.slack.waitFor(
      () => w!.h.slack.calls.filter((c) => isAlert(c, 'Token expired')).length === 2,
      10_000,
    );
  }, 30_000);

  it('a credential flapping between cooling down and healthy every poll gets one alert, marked flapping', async () => {
    const healthy = kiroIdcFile({ name: 'kiro-flap.json', expiresAt: at(600) }).file;
    const cooling = { ...healthy, status: 'error', statusMessage: 'quota exhausted', unavailable: true };
    w = await startWorld({ env: WATCH_ENV, proxy: { files: [cooling] } });
    // flip the credential right after each poll's list read: cooling, healthy, cooling, ...
    await afterEachWatchRead(w, 10, (n) => w!.proxy.putFile(n % 2 === 0 ? cooling : healthy));
    const alerts = w.h.slack.calls.filter((c) => isAlert(c, 'Cooling down'));
    expect(alerts).toHaveLength(1);
    expect(blocksText(alerts[0]!)).toContain('Flapping');
    // still firing: a flapping credential is not resolved between its flaps
    expect(w.h.slack.calls.some((c) => blocksText(c).includes('Resolved'))).toBe(false);
  }, 30_000);
});
