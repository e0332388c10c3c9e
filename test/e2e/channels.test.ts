// The policy's `channels` hold for every command and every button, over real HTTP with the fake Slack:
// from a channel outside the list nothing runs (no proxy call, no vote, no request) and the user gets an
// ephemeral refusal that names the allowed channels.
import { afterEach, describe, expect, it } from 'vitest';
import { askRefresh, startWorld, type World } from '../approvals/e2e-helpers.js';
import { DEFAULT_CLIENT_KEY } from '../fakes/fake-proxy.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const OUTSIDE = 'C0OTHER';

/** Proxy calls a command or button would make (the snapshotter's own config.yaml reads are left out). */
const proxyWork = (world: World) =>
  world.proxy.calls.filter((c) => !(c.method === 'GET' && c.path.endsWith('/config.yaml'))).length;

/** Waits for the answer posted to this response_url and checks it is an ephemeral refusal. */
async function expectRefusal(world: World, id: string): Promise<string> {
  const reply = await world.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === id);
  expect(reply.args.response_type).toBe('ephemeral');
  const text = String(reply.args.text);
  expect(text).toContain('<#C0INCIDENT>');
  expect(text).toContain('policy `channels`');
  return text;
}

describe('policy channels, end to end', () => {
  it.each([
    ['/auth-status', ''],
    ['/auth-status', 'kiro'],
    ['/auth-why', 'refresh returns 401'],
    ['/auth-refresh', 'kiro'],
    ['/auth-rollback', ''],
    ['/auth-rollback', '20260829-101500-ab12'],
    ['/auth-audit', ''],
  ])('refuses %s %s outside the allowed channels, before touching the proxy', async (name, text) => {
    w = await startWorld({ env: { CLIPROXY_CLIENT_KEY: DEFAULT_CLIENT_KEY } });
    const proxyCallsBefore = proxyWork(w);
    const id = `cmd-${name.slice(1)}-${text.length}`;
    const res = await w.h.command(name, text, {
      user: 'U0ALICE',
      channel: OUTSIDE,
      responseUrl: w.h.slack.responseUrl(id),
    });
    expect(res.status).toBe(200);
    await expectRefusal(w, id);
    // nothing ran: no proxy read, no request message, no request stored
    await new Promise((r) => setTimeout(r, 200));
    expect(proxyWork(w)).toBe(proxyCallsBefore);
    expect(w.h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await w.h.bot.store.listRequests({ limit: 10 })).toEqual([]);
  });

  it.each([
    ['check_run:auth-unavailable', 'auth-unavailable'], // the paid canary check
    ['check_run:repeated-401', 'repeated-401'],
    ['why_share', 'refresh returns 401'],
    ['fix_request:repeated-401', 'repeated-401'],
  ])('refuses the %s button outside the allowed channels', async (actionId, value) => {
    w = await startWorld({ env: { CLIPROXY_CLIENT_KEY: DEFAULT_CLIENT_KEY } });
    const before = proxyWork(w);
    const id = `click-${actionId.split(':')[0]}`;
    const res = await w.h.click(actionId, value, {
      user: 'U0ALICE',
      channel: OUTSIDE,
      responseUrl: w.h.slack.responseUrl(id),
    });
    expect(res.status).toBe(200);
    await expectRefusal(w, id);
    await new Promise((r) => setTimeout(r, 200));
    expect(w.proxy.callsTo('/v1/chat/completions')).toHaveLength(0);
    expect(proxyWork(w)).toBe(before);
    // nothing went into the channel either (why_share posts in_channel when it runs)
    expect(w.h.slack.calls.filter((c) => c.args.response_type === 'in_channel')).toHaveLength(0);
    expect(w.h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it.each([
    ['approve', 'Votes can only be cast in'],
    ['deny', 'Votes can only be cast in'],
    ['offer:relogin', 'Alternatives can only be requested in'],
  ])('refuses the %s button outside the allowed channels and records nothing', async (actionId, words) => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    const reply = `vote-${actionId.split(':')[0]}`;
    await w.h.click(actionId, id, {
      user: 'U0ALICE',
      channel: OUTSIDE,
      responseUrl: w.h.slack.responseUrl(reply),
    });
    expect(await expectRefusal(w, reply)).toContain(words);
    await new Promise((r) => setTimeout(r, 200));
    expect(await w.h.bot.store.listVotes(id)).toEqual([]);
    const after = await w.h.bot.store.getRequest(id);
    expect(after?.state).toBe('pending');
    expect(after?.decidedBy).toBeNull();
    // only the original request message: no new request from the offer
    expect(w.h.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === undefined)).toHaveLength(
      1,
    );
  });

  it('counts refusals apart from errors in authbot_commands_total', async () => {
    w = await startWorld();
    await w.h.command('/auth-status', '', { channel: OUTSIDE, responseUrl: w.h.slack.responseUrl('m1') });
    await w.h.click('check_run:repeated-401', 'repeated-401', {
      channel: OUTSIDE,
      responseUrl: w.h.slack.responseUrl('m2'),
    });
    await expectRefusal(w, 'm1');
    await expectRefusal(w, 'm2');
    const text = await (await fetch(`${w.h.bot.url}/metrics`)).text();
    expect(text).toContain('authbot_commands_total{name="/auth-status",outcome="refused"} 1');
    expect(text).toContain('authbot_commands_total{name="check_run",outcome="refused"} 1');
  });

  it('still answers inside the allowed channels', async () => {
    w = await startWorld();
    await w.h.command('/auth-why', 'refresh returns 401', {
      channel: 'C0INCIDENT',
      responseUrl: w.h.slack.responseUrl('why-inside'),
    });
    const reply = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'why-inside');
    expect(String(reply.args.text)).not.toContain('policy `channels`');
  });
});
