// A listener that fails answers the user: an ephemeral "Could not ..., reference <id>", the same id in the
// log line with the error. And the audit trail records a message as sent only when Slack accepted it.
import { afterEach, describe, expect, it } from 'vitest';
import { askRefresh, startWorld, type World } from '../approvals/e2e-helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** Makes one store method fail from now on, the way a broken database would. */
function breakStore(world: World, method: 'createRequest' | 'getRequest'): void {
  (world.h.bot.store as unknown as Record<string, unknown>)[method] = async () => {
    throw new Error('SQLITE_IOERR: disk I/O error');
  };
}

/** The ephemeral answer on this response_url, its reference, and the log line that carries it. */
async function expectReference(world: World, replyId: string, words: string): Promise<string> {
  const reply = await world.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === replyId);
  expect(reply.args.response_type).toBe('ephemeral');
  const text = String(reply.args.text);
  expect(text).toContain(words);
  const ref = /reference `(E-[0-9a-f]{8})`/.exec(text)?.[1];
  expect(ref).toBeDefined();
  // the internal error text stays in the log, not in chat
  expect(text).not.toContain('SQLITE_IOERR');
  const line = world.h
    .logs()
    .split('\n')
    .find((l) => l.includes(ref as string));
  expect(line).toBeDefined();
  expect(line).toContain('SQLITE_IOERR');
  expect(JSON.parse(line as string).level).toBe('error');
  return ref as string;
}

describe('listener errors reach the user', () => {
  it('answers a failing /auth-refresh with a reference', async () => {
    w = await startWorld();
    breakStore(w, 'createRequest');
    await w.h.command('/auth-refresh', 'kiro', {
      user: 'U0REQ',
      responseUrl: w.h.slack.responseUrl('refresh-broken'),
    });
    await expectReference(w, 'refresh-broken', 'Could not open the refresh request');
  });

  it('answers a failing vote with a reference, and each failure gets its own', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    breakStore(w, 'getRequest');
    await w.h.click('approve', id, { user: 'U0ALICE', responseUrl: w.h.slack.responseUrl('vote-1') });
    const first = await expectReference(w, 'vote-1', 'Could not record your vote');
    await w.h.click('deny', id, { user: 'U0BOB', responseUrl: w.h.slack.responseUrl('vote-2') });
    const second = await expectReference(w, 'vote-2', 'Could not record your vote');
    expect(second).not.toBe(first);
  });

  it('answers a failing offer with a reference', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    breakStore(w, 'getRequest');
    await w.h.click('offer:relogin', id, { user: 'U0ALICE', responseUrl: w.h.slack.responseUrl('offer') });
    await expectReference(w, 'offer', 'Could not request that alternative');
  });
});

describe('the audit trail records only what Slack accepted', () => {
  it('records a refused request post as message.failed, not as posted', async () => {
    w = await startWorld();
    w.h.slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    await w.h.command('/auth-refresh', 'kiro', { user: 'U0REQ' });
    const deadline = Date.now() + 5000;
    let events = await w.h.bot.store.listAudit({ limit: 200 });
    while (!events.some((e) => e.kind === 'message.failed') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      events = await w.h.bot.store.listAudit({ limit: 200 });
    }
    const failed = events.filter((e) => e.kind === 'message.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data).toMatchObject({ ok: false, message: 'posted', channel: 'C0INCIDENT' });
    expect(events.filter((e) => e.kind === 'message.posted')).toEqual([]);
  });

  it('records a refused thread reply as message.failed, and an accepted one as message.thread', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    // the first thread reply after the approval is refused by Slack; later ones go through
    w.h.slack.failNext('chat.postMessage', { error: 'is_archived' });
    await w.h.click('approve', id, { user: 'U0ALICE' });
    const deadline = Date.now() + 15_000;
    let events = await w.h.bot.store.listAudit({ correlationId: id, limit: 500 });
    while (
      !(await w.h.bot.store.getRequest(id))?.state.match(/verified|failed/) ||
      !events.some((e) => e.kind === 'message.failed')
    ) {
      if (Date.now() > deadline) throw new Error('the execution did not finish');
      await new Promise((r) => setTimeout(r, 100));
      events = await w.h.bot.store.listAudit({ correlationId: id, limit: 500 });
    }
    const failed = events.filter((e) => e.kind === 'message.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data).toMatchObject({ ok: false, message: 'thread' });
    // the fake Slack saw every thread reply, the refused one included: the audit calls all but that one sent
    const arrived = w.h.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts !== undefined);
    const sent = events.filter((e) => e.kind === 'message.thread');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBe(arrived.length - 1);
    expect(sent.every((e) => e.data.ok === true)).toBe(true);
  });
});
