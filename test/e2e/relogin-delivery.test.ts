// Where the re-login link goes when Slack refuses the approver's ephemeral (not in the channel): by direct
// message (conversations.open + chat.postMessage to the IM), never into the channel or its thread; when the
// DM is refused too, the thread says so and what to do, and the login stops. The real bot over HTTP, the
// fake Slack and the fake proxy (a Plus build without the seed route: the planned fallback is the re-login).
import { afterEach, describe, expect, it } from 'vitest';
import {
  askRefresh,
  blocksText,
  click,
  startWorld,
  threadFor,
  updateFor,
  type World,
} from '../approvals/e2e-helpers.js';
import type { SlackCall } from '../fakes/fake-slack.js';

let w: World;
afterEach(async () => {
  await w?.close();
});

const LOGIN = 'login.example.com';
const IM = 'D0ALICE'; // the fake Slack's IM with U0ALICE

const notInChannel = (world: World) =>
  world.h.slack.failNext(
    'chat.postEphemeral',
    { error: 'user_not_in_channel' },
    50,
    (a) => a.user === 'U0ALICE',
  );
const toIm = (c: SlackCall) => c.method === 'chat.postMessage' && c.args.channel === IM;
const inChannel = (c: SlackCall) =>
  (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === 'C0INCIDENT';

async function relogin(world: World): Promise<string> {
  const { id } = await askRefresh(world);
  await click(world, 'approve', id, 'U0ALICE');
  return id;
}

function finishLogin(world: World): void {
  const f = world.proxy.state.files.get('kiro-a.json')!;
  f.content = {
    ...f.content,
    expires_at: new Date(Date.now() + 7_200_000).toISOString(),
    last_refresh: new Date().toISOString(),
  };
}

describe('re-login link delivery', () => {
  it('sends the link by direct message when the ephemeral is refused; the channel and thread never see it', async () => {
    w = await startWorld({ proxy: { routes: { seedRefresh: false, plusLogins: true } } });
    notInChannel(w);
    const id = await relogin(w);
    const dm = await w.h.slack.waitFor(toIm, 12_000);
    expect(blocksText(dm)).toContain(`https://${LOGIN}/kiro`);
    expect(String(dm.args.text)).toContain(':key: <@U0ALICE>, complete the kiro login');
    expect(w.h.slack.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['U0ALICE']);
    const note = await threadFor(w, 'sent to <@U0ALICE> by direct message');
    expect(blocksText(note)).not.toContain('sent privately');
    finishLogin(w);
    await updateFor(w, 'Verified', 15_000);

    // the ephemeral was tried first (and refused); the URL went nowhere else but the approver's IM
    expect(w.h.slack.callsTo('chat.postEphemeral').filter((c) => blocksText(c).includes(LOGIN))).toHaveLength(
      1,
    );
    expect(w.h.slack.calls.filter(toIm)).toHaveLength(1);
    expect(JSON.stringify(w.h.slack.calls.filter(inChannel).map((c) => c.args))).not.toContain(LOGIN);
    const threadNotes = w.h.slack.calls.filter((c) => inChannel(c) && blocksText(c).includes('login link'));
    expect(threadNotes).toHaveLength(1);
    expect(w.h.logs()).not.toContain(LOGIN);
    const audit = await w.h.bot.store.listAudit({ correlationId: id, limit: 500 });
    expect(JSON.stringify(audit)).not.toContain(LOGIN);
    expect(audit.filter((e) => e.kind === 'login.prompt').map((e) => e.data)).toEqual([
      { hasUrl: true, hasCode: false, to: 'U0ALICE', via: 'dm' },
    ]);
    expect(audit.filter((e) => e.kind === 'message.dm').map((e) => e.data.loginPrompt)).toEqual(['url']);
  });

  it('says in the thread that the link could not be delivered, and stops the login, when the DM is refused too', async () => {
    w = await startWorld({ proxy: { routes: { seedRefresh: false, plusLogins: true } } });
    notInChannel(w);
    w.h.slack.failNext('chat.postMessage', { error: 'restricted_action' }, 5, (a) => a.channel === IM);
    const id = await relogin(w);
    const said = await threadFor(w, 'could not be delivered to <@U0ALICE>', 12_000);
    expect(blocksText(said)).toContain('should join this channel or allow direct messages');
    expect(blocksText(said)).toContain('/auth-refresh kiro');
    await updateFor(w, '*Failed*', 12_000);
    const state = (await w.h.bot.store.getRequest(id))?.state;
    expect(state).toBe('failed');

    // one attempt each way, both addressed to the approver alone; nothing else anywhere carries the link
    const attempts = w.h.slack.calls.filter((c) => blocksText(c).includes(LOGIN));
    expect(attempts.map((c) => [c.method, c.args.user ?? c.args.channel])).toEqual([
      ['chat.postEphemeral', 'U0ALICE'],
      ['chat.postMessage', IM],
    ]);
    expect(JSON.stringify(w.h.slack.calls.filter(inChannel).map((c) => c.args))).not.toContain(LOGIN);
    expect(w.h.logs()).not.toContain(LOGIN);
    const audit = await w.h.bot.store.listAudit({ correlationId: id, limit: 500 });
    expect(JSON.stringify(audit)).not.toContain(LOGIN);
    expect(audit.filter((e) => e.kind === 'login.prompt').map((e) => e.data)).toEqual([
      { hasUrl: true, hasCode: false, to: 'U0ALICE', via: 'none' },
    ]);
    // the login was stopped, not left polling for a link nobody has: the target is free for a new request
    const polls = w.proxy.callsTo('/v0/management/get-auth-status').length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(w.proxy.callsTo('/v0/management/get-auth-status').length).toBe(polls);
    await askRefresh(w);
  });

  it('retries a rate-limited DM after Retry-After and sends it exactly once', async () => {
    w = await startWorld({ proxy: { routes: { seedRefresh: false, plusLogins: true } } });
    notInChannel(w);
    w.h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, 1, (a) => a.channel === IM);
    const id = await relogin(w);
    await threadFor(w, 'sent to <@U0ALICE> by direct message', 15_000);
    const [limited, retried, ...more] = w.h.slack.calls.filter(toIm);
    expect(more).toEqual([]);
    expect(retried).toBeDefined();
    // the same message, sent again no sooner than Retry-After allows
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);
    expect(JSON.stringify(retried!.args)).toBe(JSON.stringify(limited!.args));
    finishLogin(w);
    await updateFor(w, 'Verified', 15_000);
    expect(w.h.slack.calls.filter(toIm)).toHaveLength(2);
    const audit = await w.h.bot.store.listAudit({ correlationId: id, limit: 500 });
    expect(audit.filter((e) => e.kind === 'message.dm').map((e) => e.data.ok)).toEqual([true]);
    expect(audit.filter((e) => e.kind === 'login.prompt').map((e) => e.data.via)).toEqual(['dm']);
  });
});
