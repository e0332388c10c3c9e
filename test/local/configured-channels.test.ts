// Local mode with a team's real channel settings: the page's one channel stands for the channel IDs the
// configuration names (AUTHBOT_WATCH_CHANNEL, the policy's `channels`). The stand-in accepts exactly those
// IDs, commands typed on the page come from one of the policy's channels, and any other ID is unknown.
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localChannelFor } from '../../src/local/directory.js';
import { type StandIn, startStandIn } from '../../src/local/stand-in.js';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';
import { type LocalWorld, openStream, startLocal } from './in-process.js';

describe('which ID the page channel takes', () => {
  it('is a policy channel when the policy restricts channels, preferring the watch channel', () => {
    expect(localChannelFor({ watchChannel: 'C0W', policyChannels: ['C0A', 'C0W'] })).toMatchObject({
      id: 'C0W',
      ids: ['C0W', 'C0A'],
      standsFor: ['C0W', 'C0A'],
    });
    // the watch channel outside the policy: commands still come from an allowed channel
    expect(localChannelFor({ watchChannel: 'C0W', policyChannels: ['C0A', 'C0B'] })).toMatchObject({
      id: 'C0A',
      ids: ['C0W', 'C0A', 'C0B'],
    });
    expect(localChannelFor({ watchChannel: undefined, policyChannels: ['C0A'] })).toMatchObject({
      id: 'C0A',
      ids: ['C0A'],
    });
  });

  it('is the watch channel with an open policy, and C0LOCAL standing for nothing when none is named', () => {
    expect(localChannelFor({ watchChannel: 'C0W', policyChannels: [] })).toMatchObject({
      id: 'C0W',
      ids: ['C0W'],
      standsFor: ['C0W'],
    });
    expect(localChannelFor({ watchChannel: undefined, policyChannels: [] })).toEqual({
      id: 'C0LOCAL',
      name: 'incident-local',
      ids: ['C0LOCAL'],
      standsFor: [],
    });
  });
});

describe('the stand-in with configured channels', () => {
  let standIn: StandIn;
  let fakeApp: Server;
  const received: URLSearchParams[] = [];
  const local = localChannelFor({ watchChannel: 'C0WATCH1', policyChannels: ['C0REAL123', 'C0REAL456'] });

  beforeAll(async () => {
    standIn = await startStandIn({ port: 0, channel: local });
    fakeApp = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        received.push(new URLSearchParams(body));
        res.writeHead(200).end('');
      });
    });
    fakeApp.listen(0, '127.0.0.1');
    await once(fakeApp, 'listening');
    standIn.connect({
      url: `http://127.0.0.1:${(fakeApp.address() as AddressInfo).port}`,
      commands: ['/auth-why'],
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await standIn?.close();
    fakeApp?.close();
  });

  const api = async (method: string, args: Record<string, unknown>) => {
    const res = await fetch(`${standIn.apiUrl}${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${standIn.botToken}` },
      body: JSON.stringify(args),
    });
    return (await res.json()) as Record<string, unknown> & { ok: boolean; error?: string };
  };

  it('posts to every configured ID into the one channel, answering with the ID the bot named', async () => {
    for (const id of ['C0WATCH1', 'C0REAL123', 'C0REAL456']) {
      const posted = await api('chat.postMessage', { channel: id, text: `to ${id}` });
      expect(posted).toMatchObject({ ok: true, channel: id });
      expect(standIn.channel.get(String(posted.ts))?.text).toBe(`to ${id}`);
      expect(await api('conversations.info', { channel: id })).toMatchObject({ ok: true, channel: { id } });
    }
    // the page channel's name still works, and means its own ID
    expect(await api('chat.postMessage', { channel: '#incident-local', text: 'x' })).toMatchObject({
      ok: true,
      channel: 'C0REAL123',
    });
  });

  it('still answers channel_not_found for any ID the configuration does not name', async () => {
    const before = standIn.channel.visibleTo('U0LOCALALICE').filter((m) => m.bot).length;
    const hostile: unknown[] = [
      'C0LOCAL', // the default ID is not accepted once real channels are configured
      'C0OTHER',
      'c0real123',
      ' C0REAL123',
      'C0REAL123 ',
      'C0REAL1234',
      '#C0REAL123',
      '<#C0REAL123>',
      'C0REAL123,C0OTHER',
      '__proto__',
      'constructor',
      '',
      ['C0REAL123'],
      { id: 'C0REAL123' },
      123,
      null,
    ];
    for (const channel of hostile) {
      for (const method of ['chat.postMessage', 'chat.postEphemeral', 'conversations.info'])
        expect(
          await api(method, { channel, user: 'U0LOCALYOU', text: 'x' }),
          `${method} ${channel}`,
        ).toMatchObject({ ok: false, error: 'channel_not_found' });
    }
    expect(await api('chat.postMessage', { text: 'x' })).toMatchObject({ error: 'channel_not_found' });
    expect(standIn.channel.visibleTo('U0LOCALALICE').filter((m) => m.bot)).toHaveLength(before);
  });

  it('finds a message only in the channel it was posted to, as Slack does', async () => {
    const posted = await api('chat.postMessage', { channel: 'C0WATCH1', text: 'alert' });
    const ts = posted.ts;
    expect(await api('chat.update', { channel: 'C0REAL123', ts, text: 'y' })).toMatchObject({
      error: 'message_not_found',
    });
    expect(await api('chat.postMessage', { channel: 'C0REAL123', thread_ts: ts, text: 'y' })).toMatchObject({
      error: 'thread_not_found',
    });
    expect(await api('chat.delete', { channel: 'C0REAL123', ts })).toMatchObject({
      error: 'message_not_found',
    });
    expect(await api('chat.update', { channel: 'C0OTHER', ts, text: 'y' })).toMatchObject({
      error: 'channel_not_found',
    });
    expect(await api('chat.update', { channel: 'C0WATCH1', ts, text: 'resolved' })).toMatchObject({
      ok: true,
      channel: 'C0WATCH1',
    });
    expect(
      await api('chat.postMessage', { channel: 'C0WATCH1', thread_ts: ts, text: 'reply' }),
    ).toMatchObject({ ok: true });
  });

  it('sends commands from the page channel and clicks from the clicked message’s channel', async () => {
    received.length = 0;
    const res = await fetch(`${standIn.url}/local/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'U0LOCALYOU', text: '/auth-why 401' }),
    });
    expect(res.status).toBe(200);
    expect(received.at(-1)?.get('channel_id')).toBe('C0REAL123');
    const button = {
      type: 'actions',
      block_id: 'b1',
      elements: [{ type: 'button', action_id: 'a1', text: { type: 'plain_text', text: 'Run check' } }],
    };
    const alert = await api('chat.postMessage', { channel: 'C0WATCH1', text: 'alert', blocks: [button] });
    const click = await fetch(`${standIn.url}/local/action`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'U0LOCALYOU', ts: alert.ts, blockId: 'b1', actionId: 'a1' }),
    });
    expect(click.status).toBe(200);
    const payload = JSON.parse(received.at(-1)?.get('payload') ?? '{}') as Record<string, never>;
    expect(payload.container).toMatchObject({ channel_id: 'C0WATCH1', message_ts: alert.ts });
    expect(payload.channel).toMatchObject({ id: 'C0WATCH1' });
  });

  it('says on the page which IDs the channel stands for', async () => {
    const stream = await openStream(standIn.url, 'U0LOCALYOU');
    const banner = await stream.waitFor((m) => String(m.text).includes('LOCAL MODE'));
    expect(banner.text).toContain('standing for `C0WATCH1`, `C0REAL123` and `C0REAL456`');
    expect(banner.text).toContain('commands here come from `C0REAL123`');
    const reset = stream.events.find((e) => e.event === 'reset');
    expect(reset?.data.channel).toEqual({
      id: 'C0REAL123',
      name: 'incident-local',
      standsFor: ['C0WATCH1', 'C0REAL123', 'C0REAL456'],
    });
    stream.close();
  });
});

describe('local mode (the real bot) with real channel settings', () => {
  let proxy: FakeProxy | undefined;
  let w: LocalWorld | undefined;
  afterEach(async () => {
    await w?.close();
    await proxy?.close();
    w = undefined;
    proxy = undefined;
  });

  const dir = mkdtempSync(join(tmpdir(), 'authbot-local-channels-'));
  const policyFile = (channels: string[]) => {
    const file = join(dir, `policy-${channels.join('-')}.yml`);
    writeFileSync(
      file,
      `channels: [${channels.join(', ')}]\napprovers: { users: [U0LOCALALICE, U0LOCALBOB] }\n` +
        'actions:\n  refresh: { cooldown: 0s }\n',
    );
    return file;
  };
  const startWith = async (env: Record<string, string>, expiresAt: string) => {
    const seeded = kiroIdcFile({ name: 'kiro-a.json', expiresAt });
    proxy = await startFakeProxy({
      version: 'v6.9.3-plus-test',
      files: [seeded.file],
      routes: { seedRefresh: true },
    });
    w = await startLocal({
      CLIPROXY_URL: proxy.url,
      CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
      ...env,
    });
    return { w, proxy };
  };
  const buttonOf = (m: Record<string, unknown>, text: string) => {
    const blocks = m.blocks as { type: string; block_id: string; elements?: Record<string, never>[] }[];
    for (const b of blocks)
      for (const e of b.elements ?? [])
        if ((e.text as { text?: string } | undefined)?.text === text)
          return { ts: m.ts, blockId: b.block_id, actionId: e.action_id as string };
    throw new Error(`no ${text} button in ${JSON.stringify(blocks)}`);
  };

  it('shows the watch alert for an expired credential when AUTHBOT_WATCH_CHANNEL is a real ID', async () => {
    const { w } = await startWith(
      { AUTHBOT_WATCH_CHANNEL: 'C0ABC123', AUTHBOT_WATCH_INTERVAL: '1s' },
      new Date(Date.now() - 3_600_000).toISOString(),
    );
    const alice = await openStream(w.bot.url, 'U0LOCALALICE');
    const alert = await alice.waitFor(
      (m) => m.bot === true && JSON.stringify(m).includes('Token expired') && !m.threadTs,
      15_000,
    );
    expect(JSON.stringify(alert.blocks)).toContain('kiro-a.json');
    expect(alert.ephemeral).toBe(false);
    // nothing the bot sent was refused, and the log names the channel the page stands for
    expect(alice.messages().some((m) => String(m.text).includes('Slack refused'))).toBe(false);
    expect(w.logs()).toMatch(/"channel":"C0ABC123"/);
    expect(w.logs()).toContain("The page's channel is C0ABC123");
    const banner = alice.messages().find((m) => String(m.text).includes('LOCAL MODE'));
    expect(banner?.text).toContain('standing for `C0ABC123` (the channel your configuration names)');
    // the alert's buttons work from the page (demo policy: any channel)
    const click = await w.postJson('/local/action', {
      user: 'U0LOCALALICE',
      ...buttonOf(alert, 'Run check'),
    });
    expect(click.status).toBe(200);
    // the check's answer, to Alice only (a click refused by the channels guard would be a :no_entry: notice)
    await alice.waitFor((m) => m.bot === true && m.ephemeral === true && String(m.text).startsWith('Check '));
    expect(alice.messages().some((m) => String(m.text).includes(':no_entry:'))).toBe(false);
    alice.close();
  }, 30_000);

  it('answers commands and clicks on the page when the policy restricts channels to a real ID', async () => {
    const { w, proxy } = await startWith(
      { AUTHBOT_POLICY_FILE: policyFile(['C0REAL123']) },
      new Date(Date.now() + 600_000).toISOString(),
    );
    const you = await openStream(w.bot.url, 'U0LOCALYOU');
    await w.postJson('/local/command', { user: 'U0LOCALYOU', text: '/auth-why 401' });
    await you.waitFor((m) => m.bot === true && String(m.text).includes('repeated-401'));
    await w.postJson('/local/command', { user: 'U0LOCALYOU', text: '/auth-refresh kiro' });
    const request = await you.waitFor(
      (m) => m.bot === true && JSON.stringify(m).includes('Approvals needed'),
    );
    const approve = await w.postJson('/local/action', {
      user: 'U0LOCALALICE',
      ...buttonOf(request, 'Approve'),
    });
    expect(approve.status).toBe(200);
    await you.waitFor((m) => m.bot === true && JSON.stringify(m).includes('Verified'), 15_000);
    expect(proxy.callsTo('/v0/management/auths/kiro/refresh', 'POST')).toHaveLength(1);
    expect(you.messages().some((m) => String(m.text).includes(':no_entry:'))).toBe(false);
    you.close();
  }, 30_000);

  it('with the watch channel outside the policy’s channels: alerts shown, commands answered, alert clicks refused as in Slack', async () => {
    const { w } = await startWith(
      {
        AUTHBOT_POLICY_FILE: policyFile(['C0REAL123']),
        AUTHBOT_WATCH_CHANNEL: 'C0WATCH1',
        AUTHBOT_WATCH_INTERVAL: '1s',
      },
      new Date(Date.now() - 3_600_000).toISOString(),
    );
    const you = await openStream(w.bot.url, 'U0LOCALYOU');
    const alert = await you.waitFor(
      (m) => m.bot === true && JSON.stringify(m).includes('Token expired') && !m.threadTs,
      15_000,
    );
    await w.postJson('/local/command', { user: 'U0LOCALYOU', text: '/auth-why 401' });
    await you.waitFor((m) => m.bot === true && String(m.text).includes('repeated-401'));
    await w.postJson('/local/action', { user: 'U0LOCALYOU', ...buttonOf(alert, 'Run check') });
    const refusal = await you.waitFor((m) => String(m.text).includes(':no_entry:'));
    expect(refusal.text).toContain('<#C0REAL123>');
    expect(refusal.ephemeral).toBe(true);
    you.close();
  }, 30_000);

  it('stops with the bot’s bad_config error when the policy file is invalid', async () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'channels: [not-a-channel]\napprovers: {}\n');
    await expect(startLocal({ AUTHBOT_POLICY_FILE: bad })).rejects.toMatchObject({ code: 'bad_config' });
  });
});
