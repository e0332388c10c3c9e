// The Slack stand-in on its own: Web API answers in Slack's shapes (including what Slack refuses),
// response_url rules, and the signed block_actions payloads it sends to the app for clicks.
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StandIn, startStandIn } from '../../src/local/stand-in.js';

let standIn: StandIn;
let fakeApp: Server;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
/** What the fake app answers next (an ack with or without a body, or an error status). */
let nextReply: { status: number; type?: string; body?: string } = { status: 200 };

beforeAll(async () => {
  standIn = await startStandIn({ port: 0 });
  fakeApp = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const reply = nextReply;
      nextReply = { status: 200 };
      res.writeHead(reply.status, reply.type ? { 'content-type': reply.type } : {}).end(reply.body ?? '');
    });
  });
  fakeApp.listen(0, '127.0.0.1');
  await once(fakeApp, 'listening');
  const port = (fakeApp.address() as AddressInfo).port;
  standIn.connect({
    url: `http://127.0.0.1:${port}`,
    commands: ['/auth-why'],
    logger: pino({ level: 'silent' }),
  });
});
afterAll(async () => {
  await standIn?.close();
  fakeApp?.close();
});

async function api(method: string, args: Record<string, unknown>, token: string | null = standIn.botToken) {
  const res = await fetch(`${standIn.apiUrl}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(args),
  });
  return (await res.json()) as Record<string, unknown> & { ok: boolean; error?: string };
}

const channel = 'C0LOCAL';

describe('the stand-in Web API', () => {
  it('answers auth.test and refuses missing or wrong tokens like Slack', async () => {
    expect(await api('auth.test', {})).toMatchObject({ ok: true, user_id: 'U0LOCALBOT' });
    expect(await api('auth.test', {}, null)).toMatchObject({ ok: false, error: 'not_authed' });
    expect(await api('auth.test', {}, 'xoxb-wrong')).toMatchObject({ ok: false, error: 'invalid_auth' });
    const before = standIn.channel.visibleTo('U0LOCALYOU').length;
    expect(await api('chat.postMessage', { channel, text: 'spam' }, 'xoxb-wrong')).toMatchObject({
      error: 'invalid_auth',
    });
    expect(standIn.channel.visibleTo('U0LOCALYOU')).toHaveLength(before); // nothing posted, no notice
  });

  it('answers unknown methods with unknown_method', async () => {
    expect(await api('chat.scheduleMessage', { channel, text: 'x' })).toMatchObject({
      ok: false,
      error: 'unknown_method',
    });
    expect(await api('__proto__', {})).toMatchObject({ ok: false, error: 'unknown_method' });
  });

  it('refuses what Slack refuses: Block Kit limits, bad blocks, no text, wrong channel, long text', async () => {
    const tooLongHeader = await api('chat.postMessage', {
      channel,
      text: 'x',
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
    });
    expect(tooLongHeader).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(JSON.stringify(tooLongHeader.errors)).toContain('header');
    // the page shows that Slack refused it, so the missing message does not go unnoticed
    const notice = standIn.channel.visibleTo('U0LOCALALICE').at(-1);
    expect(notice).toMatchObject({ author: 'USLACKBOT' });
    expect(notice?.text).toContain("Slack refused the bot's chat.postMessage: `invalid_blocks`");
    expect(notice?.text).toContain('header text 151');
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(await api('chat.postMessage', { channel, text: 'x', blocks: tooMany })).toMatchObject({
      error: 'invalid_blocks',
    });
    const form = await fetch(`${standIn.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${standIn.botToken}`,
      },
      body: new URLSearchParams({ channel, text: 'x', blocks: '[{"type":' }).toString(),
    });
    expect(await form.json()).toMatchObject({ ok: false, error: 'invalid_blocks_format' });
    expect(await api('chat.postMessage', { channel })).toMatchObject({ error: 'no_text' });
    expect(await api('chat.postMessage', { channel: 'C0OTHER', text: 'x' })).toMatchObject({
      error: 'channel_not_found',
    });
    expect(await api('chat.postMessage', { channel, text: 'x'.repeat(40_001) })).toMatchObject({
      error: 'msg_too_long',
    });
    expect(await api('chat.postEphemeral', { channel, user: 'U0NOBODY', text: 'x' })).toMatchObject({
      error: 'user_not_in_channel',
    });
  });

  it('updates only messages the bot posted, never ephemeral ones', async () => {
    const posted = await api('chat.postMessage', { channel, text: 'first' });
    expect(posted.ok).toBe(true);
    expect(await api('chat.update', { channel, ts: posted.ts, text: 'second' })).toMatchObject({ ok: true });
    expect(standIn.channel.get(String(posted.ts))).toMatchObject({ text: 'second', edited: true });
    expect(await api('chat.update', { channel, ts: '1.000009', text: 'x' })).toMatchObject({
      error: 'message_not_found',
    });
    const eph = await api('chat.postEphemeral', { channel, user: 'U0LOCALYOU', text: 'psst' });
    expect(await api('chat.update', { channel, ts: eph.message_ts, text: 'x' })).toMatchObject({
      error: 'message_not_found',
    });
    expect(await api('chat.postMessage', { channel, text: 'reply', thread_ts: '1.000009' })).toMatchObject({
      error: 'thread_not_found',
    });
  });

  it('knows the local users and user group', async () => {
    expect(await api('users.info', { user: 'U0LOCALALICE' })).toMatchObject({
      ok: true,
      user: { name: 'alice' },
    });
    expect(await api('users.info', { user: 'U0X' })).toMatchObject({ error: 'user_not_found' });
    expect(await api('usergroups.users.list', { usergroup: 'S0LOCALONCALL' })).toMatchObject({
      users: ['U0LOCALALICE', 'U0LOCALBOB'],
    });
    expect(await api('usergroups.users.list', { usergroup: 'S0X' })).toMatchObject({
      error: 'no_such_subteam',
    });
  });
});

const select = {
  type: 'static_select',
  action_id: 'pick',
  placeholder: { type: 'plain_text', text: 'Pick one' },
  options: [{ text: { type: 'plain_text', text: 'Kiro' }, value: 'kiro-a.json' }],
};

async function clickAs(user: string, ts: string, blockId: string, actionId: string, selectedValue?: string) {
  return fetch(`${standIn.url}/local/action`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, ts, blockId, actionId, ...(selectedValue ? { selectedValue } : {}) }),
  });
}

describe('clicks become signed block_actions payloads', () => {
  it('sends the stored button value, signed with the signing secret, with a working response_url', async () => {
    const posted = await api('chat.postMessage', {
      channel,
      text: 'request',
      blocks: [
        {
          type: 'actions',
          block_id: 'decide',
          elements: [
            {
              type: 'button',
              action_id: 'approve',
              value: 'req-1',
              text: { type: 'plain_text', text: 'Approve' },
              style: 'primary',
            },
          ],
        },
        { type: 'section', text: { type: 'mrkdwn', text: 'pick' }, accessory: select },
      ],
    });
    received.length = 0;
    expect((await clickAs('U0LOCALBOB', String(posted.ts), 'decide', 'approve')).status).toBe(200);
    const sent = received[0];
    expect(sent?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const timestamp = String(sent?.headers['x-slack-request-timestamp']);
    const expected = `v0=${createHmac('sha256', standIn.signingSecret).update(`v0:${timestamp}:${sent?.body}`).digest('hex')}`;
    expect(sent?.headers['x-slack-signature']).toBe(expected);
    const payload = JSON.parse(new URLSearchParams(sent?.body).get('payload') ?? '{}');
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0LOCALBOB' },
      channel: { id: channel },
      container: { message_ts: posted.ts, is_ephemeral: false },
      message: { ts: posted.ts, bot_id: 'B0LOCALBOT' },
      actions: [
        { type: 'button', action_id: 'approve', block_id: 'decide', value: 'req-1', style: 'primary' },
      ],
    });
    // response_url: up to 5 posts, then used_url; replace_original updates the clicked message
    const url = String(payload.response_url);
    const respond = (body: Record<string, unknown>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await respond({ replace_original: true, text: 'replaced' })).status).toBe(200);
    expect(standIn.channel.get(String(posted.ts))?.text).toBe('replaced');
    const bad = await respond({
      text: 'x',
      blocks: [{ type: 'header', text: { type: 'plain_text', text: '' } }],
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
    for (let i = 0; i < 4; i += 1) expect((await respond({ text: `note ${i}` })).status).toBe(200);
    const used = await respond({ text: 'sixth' });
    expect(used.status).toBe(404);
    expect(await used.json()).toMatchObject({ error: 'used_url' });
    expect((await fetch(`${standIn.url}/response/not-a-token`, { method: 'POST', body: '{}' })).status).toBe(
      404,
    );
  });

  it('sends a static_select choice only when the option is in the message', async () => {
    const posted = await api('chat.postMessage', {
      channel,
      text: 'pick',
      blocks: [
        { type: 'section', block_id: 'choose', text: { type: 'mrkdwn', text: 'pick' }, accessory: select },
      ],
    });
    received.length = 0;
    const forged = await clickAs('U0LOCALYOU', String(posted.ts), 'choose', 'pick', 'claude-evil.json');
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error: 'invalid_option' });
    expect(received).toHaveLength(0);
    expect((await clickAs('U0LOCALYOU', String(posted.ts), 'choose', 'pick', 'kiro-a.json')).status).toBe(
      200,
    );
    const payload = JSON.parse(new URLSearchParams(received[0]?.body).get('payload') ?? '{}');
    expect(payload.actions[0]).toMatchObject({
      type: 'static_select',
      action_id: 'pick',
      selected_option: { value: 'kiro-a.json', text: { text: 'Kiro' } },
    });
  });

  it('leaves the message out of a click on an ephemeral message, as Slack does', async () => {
    const eph = await api('chat.postEphemeral', {
      channel,
      user: 'U0LOCALYOU',
      text: 'only you',
      blocks: [
        {
          type: 'actions',
          block_id: 'b',
          elements: [{ type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'Go' } }],
        },
      ],
    });
    received.length = 0;
    expect((await clickAs('U0LOCALYOU', String(eph.message_ts), 'b', 'go')).status).toBe(200);
    const payload = JSON.parse(new URLSearchParams(received[0]?.body).get('payload') ?? '{}');
    expect(payload.container.is_ephemeral).toBe(true);
    expect(payload.message).toBeUndefined();
    expect((await clickAs('U0LOCALBOB', String(eph.message_ts), 'b', 'go')).status).toBe(404);
  });
});

describe('slash commands from the page', () => {
  const command = (text: string, user = 'U0LOCALYOU') =>
    fetch(`${standIn.url}/local/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, text }),
    });
  const last = () => standIn.channel.visibleTo('U0LOCALYOU').at(-1);

  it('sends the command form fields Slack sends, signed, with a response_url on the page', async () => {
    received.length = 0;
    expect((await command('/auth-why  refresh 401 ')).status).toBe(200);
    const fields = new URLSearchParams(received[0]?.body);
    expect(Object.fromEntries(fields)).toMatchObject({
      command: '/auth-why',
      text: 'refresh 401',
      user_id: 'U0LOCALYOU',
      user_name: 'you',
      channel_id: 'C0LOCAL',
      team_id: 'T0LOCAL',
    });
    expect(fields.get('response_url')).toMatch(new RegExp(`^${standIn.url}/response/[A-Za-z0-9_-]{20,}$`));
  });

  it('shows an ack body like Slack: in_channel for everyone, otherwise to the user only', async () => {
    nextReply = {
      status: 200,
      type: 'application/json',
      body: JSON.stringify({ response_type: 'in_channel', text: 'for all' }),
    };
    await command('/auth-why x');
    expect(last()).toMatchObject({ text: 'for all', bot: true });
    expect(last()?.ephemeralTo).toBeUndefined();
    nextReply = { status: 200, type: 'text/plain', body: 'just you' };
    await command('/auth-why x');
    expect(last()).toMatchObject({ text: 'just you', ephemeralTo: 'U0LOCALYOU' });
    nextReply = { status: 200, type: 'application/json', body: 'null' };
    await command('/auth-why x');
    expect(last()?.text).toContain('could not read');
  });

  it('says the command failed when the app does not ack, and refuses unknown commands', async () => {
    nextReply = { status: 500 };
    await command('/auth-why x');
    expect(last()?.text).toBe('/auth-why failed with the error "dispatch_failed"');
    received.length = 0;
    await command('/auth-nope x');
    expect(received).toHaveLength(0);
    expect(last()?.text).toContain('/auth-nope is not a valid command');
  });
});

describe('live event streams', () => {
  it('starts with what the user may see, and holds at most 32 streams at once', async () => {
    const controllers: AbortController[] = [];
    const open = async () => {
      const c = new AbortController();
      controllers.push(c);
      return fetch(`${standIn.url}/local/events?user=U0LOCALBOB`, { signal: c.signal });
    };
    const first = await open();
    expect(first.headers.get('content-type')).toContain('text/event-stream');
    const reader = first.body?.getReader();
    let chunk = '';
    while (!chunk.includes('\n\n')) chunk += new TextDecoder().decode((await reader?.read())?.value);
    expect(chunk.startsWith('event: reset\ndata: {')).toBe(true);
    expect(chunk).not.toContain('only you'); // You's ephemeral message (posted above) is not Bob's
    for (let i = 1; i < 32; i += 1) expect((await open()).status).toBe(200);
    const refused = await open();
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: 'too_many_streams' });
    for (const c of controllers) c.abort();
    await new Promise((r) => setTimeout(r, 200));
    const again = await open();
    expect(again.status).toBe(200);
    controllers.at(-1)?.abort();
  });
});
