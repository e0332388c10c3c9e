// Silences end to end (the real bot over HTTP, SQLite, fake proxy and fake Slack): the Silence button and
// its 1 hour / 1 day / 1 week choice, `/auth-watch unsilence ID`, and hostile /auth-watch input.
import { afterEach, describe, expect, it } from 'vitest';
import { blocksText, buttonsOf, startWorld, type World } from '../approvals/e2e-helpers.js';
import { kiroIdcFile } from '../fakes/fake-proxy.js';
import type { SlackCall } from '../fakes/fake-slack.js';

const WATCH_ENV = { AUTHBOT_WATCH_CHANNEL: 'C0INCIDENT', AUTHBOT_WATCH_INTERVAL: '1s' };
const DAY = 86_400_000;
let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const at = (min: number) => new Date(Date.now() + min * 60_000).toISOString();
const isAlert = (c: SlackCall, words: string) =>
  c.method === 'chat.postMessage' && c.args.thread_ts === undefined && blocksText(c).includes(words);
let answers = 0;
/** Sends /auth-watch TEXT and returns the ephemeral answer posted to its response_url. */
async function watchCommand(world: World, text: string, user = 'U0ALICE'): Promise<string> {
  const id = `watch-${++answers}`;
  const res = await world.h.command('/auth-watch', text, {
    user,
    responseUrl: world.h.slack.responseUrl(id),
  });
  expect(res.status).toBe(200);
  const answer = await world.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === id);
  expect(answer.args.response_type).toBe('ephemeral');
  return String(answer.args.text);
}

describe('watch silences', () => {
  it('Silence button → 1 hour / 1 day / 1 week → silence stored and audited; repeats stop', async () => {
    w = await startWorld({
      env: { ...WATCH_ENV, AUTHBOT_WATCH_REPEAT: '2s' },
      proxy: { files: [kiroIdcFile({ name: 'kiro-x.json', expiresAt: at(-5) }).file] },
    });
    const alert = await w.h.slack.waitFor((c) => isAlert(c, 'Token expired'), 10_000);
    const silence = buttonsOf(alert).find((b) => b.text === 'Silence');
    expect(silence).toBeDefined();
    await w.h.click(silence!.actionId, silence!.value, {
      user: 'U0BOB',
      responseUrl: w.h.slack.responseUrl('pick'),
    });
    const choice = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'pick');
    const options = buttonsOf(choice);
    expect(options.map((b) => b.text)).toEqual(['1 hour', '1 day', '1 week']);
    expect(await w.h.bot.store.watch.listSilences(w.proxy.url, Date.now())).toEqual([]);

    const day = options.find((b) => b.text === '1 day')!;
    const clicked = Date.now();
    await w.h.click(day.actionId, day.value, { user: 'U0BOB', responseUrl: w.h.slack.responseUrl('set') });
    const done = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'set');
    const id = /SIL-[A-Z0-9]{8}/.exec(String(done.args.text))?.[0];
    expect(id).toBeDefined();
    const [stored] = await w.h.bot.store.watch.listSilences(w.proxy.url, Date.now());
    expect(stored).toMatchObject({ id, credential: 'kiro-x.json', condition: 'expired', createdBy: 'U0BOB' });
    expect(stored!.until - clicked).toBeGreaterThanOrEqual(DAY - 1000);
    expect(stored!.until - clicked).toBeLessThan(DAY + 5000);
    const audit = await w.h.bot.store.listAudit({ correlationId: id as string });
    expect(audit.map((e) => [e.kind, e.actor])).toEqual([['watch.silenced', 'U0BOB']]);

    // silenced: no more re-announcements in the thread
    const replies = () => w!.h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts);
    const seen = replies().length;
    await sleep(4500);
    expect(replies().length).toBe(seen);
  }, 30_000);

  it('/auth-watch unsilence ID ends a silence (audited); an unknown or malformed id is refused', async () => {
    w = await startWorld({ env: { ...WATCH_ENV, AUTHBOT_WATCH_INTERVAL: '1h' } });
    const set = await watchCommand(w, 'silence kiro-a.json 1w');
    const id = /SIL-[A-Z0-9]{8}/.exec(set)?.[0] as string;
    expect(id).toBeDefined();
    expect(await watchCommand(w, '')).toContain(id);

    expect(await watchCommand(w, `unsilence ${id.toLowerCase()}`, 'U0BOB')).toContain(
      `Silence \`${id}\` ended`,
    );
    expect(await w.h.bot.store.watch.listSilences(w.proxy.url, Date.now())).toEqual([]);
    const audit = await w.h.bot.store.listAudit({ correlationId: id });
    expect(audit.map((e) => [e.kind, e.actor]).sort()).toEqual([
      ['watch.silenced', 'U0ALICE'],
      ['watch.unsilenced', 'U0BOB'],
    ]);
    expect(await watchCommand(w, `unsilence ${id}`)).toContain('No active silence');
    expect(await watchCommand(w, 'unsilence SIL-00000000')).toContain('No active silence');
    expect(await watchCommand(w, 'unsilence ../../etc')).toContain('Give a silence id');
    expect(await watchCommand(w, '')).toContain('No active silences');
  }, 30_000);

  it('hostile /auth-watch input gets a clear refusal and changes nothing', async () => {
    w = await startWorld({ env: { ...WATCH_ENV, AUTHBOT_WATCH_INTERVAL: '1h' } });
    const proxyCalls = w.proxy.calls.length;
    const refusals: Array<[string, RegExp]> = [
      [`silence ${'a'.repeat(20_000)} 1h`, /Could not read that silence/],
      ['silence ../../etc/passwd 1h', /Could not read that silence/],
      ['silence <!channel> 1h', /Could not read that silence/],
      ['silence `kiro`.json 1h', /Could not read that silence/],
      ['silence kiro\u202e.json 1h', /Could not read that silence/],
      ['silence kiro-a.json', /Could not read that silence/],
      ['silence kiro-a.json 0h', /Could not read that silence/],
      ['silence kiro-a.json -1h', /Could not read that silence/],
      ['silence kiro-a.json 31d', /Could not read that silence/],
      ['silence kiro-a.json 99999999999999999999d', /Could not read that silence/],
      ['silence kiro-a.json forever', /Could not read that silence/],
      ['silence kiro-a.json 1h; drop table', /Could not read that silence/],
      ['unsilence', /Give a silence id/],
      [`unsilence SIL-${'A'.repeat(5000)}`, /Give a silence id/],
      ['explode now', /Usage:/],
      ['x'.repeat(40_000), /Usage:/],
    ];
    for (const [text, expected] of refusals) {
      const answer = await watchCommand(w, text);
      expect(answer, text.slice(0, 60)).toMatch(expected);
      // nothing of what was typed comes back unescaped (no mention, no 20,000-character echo)
      expect(answer).not.toContain('<!channel>');
      expect(answer.length).toBeLessThan(1000);
    }
    expect(await w.h.bot.store.watch.listSilences(w.proxy.url, Date.now())).toEqual([]);
    const audit = await w.h.bot.store.listAudit({ limit: 100 });
    expect(audit.filter((e) => e.kind.startsWith('watch.'))).toEqual([]);
    expect(w.proxy.calls.slice(proxyCalls).filter((c) => c.method !== 'GET')).toEqual([]);
    // the bot still answers normally afterwards
    expect(await watchCommand(w, 'silence kiro-a.json 90m')).toContain('Silenced `kiro-a.json`');
  }, 60_000);
});
