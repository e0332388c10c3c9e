// Socket Mode end to end: a local WebSocket server stands in for Slack (the fake Web API answers
// apps.connections.open with its URL), delivers a slash command and a button click as envelopes,
// and sees the acks and the same answers as in HTTP mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonsOf, startWorld, updateFor } from '../approvals/e2e-helpers.js';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.js';
import { type FakeSocket, startFakeSocket } from '../fakes/fake-socket.js';
import { BOT_TOKEN, type Harness, startHarness } from './harness.js';

let slack: FakeSlack;
let socket: FakeSocket;
let h: Harness;

beforeAll(async () => {
  slack = await startFakeSlack({ botToken: BOT_TOKEN });
  socket = await startFakeSocket();
  slack.setSocketUrl(socket.url);
  h = await startHarness({
    slack,
    env: { SLACK_APP_TOKEN: 'xapp-1-A0AUTHBOT-1-test', SLACK_SIGNING_SECRET: undefined },
  });
  await socket.connected();
});

afterAll(async () => {
  await h.stop();
  await socket.close();
});

const slashPayload = (text: string, responseUrl: string) => ({
  token: 'legacy',
  team_id: 'T0FAKE',
  channel_id: 'C0INCIDENT',
  user_id: 'U0ALICE',
  command: '/auth-why',
  text,
  api_app_id: 'A0AUTHBOT',
  response_url: responseUrl,
  trigger_id: 'trigger',
});

describe('Socket Mode', () => {
  it('opens the connection with the app-level token, not the bot token', () => {
    const open = slack.callsTo('apps.connections.open');
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open[0]?.token).toBe('xapp-1-A0AUTHBOT-1-test');
  });

  it('acks a slash command envelope and answers /auth-why 401 with the repeated-401 row', async () => {
    const ack = await socket.deliver('slash_commands', slashPayload('401', slack.responseUrl('sock-why')));
    expect(ack.envelope_id).toMatch(/^env-/);
    const reply = await slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'sock-why');
    expect(JSON.stringify(reply.args.blocks)).toContain('repeated-401');
  });

  it('acks a button click envelope and shares the answer in the channel', async () => {
    const payload = {
      type: 'block_actions',
      team: { id: 'T0FAKE' },
      user: { id: 'U0BOB' },
      api_app_id: 'A0AUTHBOT',
      container: { type: 'message', message_ts: '1.2', channel_id: 'C0INCIDENT', is_ephemeral: true },
      channel: { id: 'C0INCIDENT' },
      response_url: slack.responseUrl('sock-share'),
      trigger_id: 'trigger',
      actions: [
        { type: 'button', action_id: 'why_share', block_id: 'b', value: 'model_cooldown', action_ts: '1' },
      ],
    };
    const ack = await socket.deliver('interactive', payload);
    expect(ack.envelope_id).toMatch(/^env-/);
    const reply = await slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'sock-share');
    expect(reply.args.response_type).toBe('in_channel');
    expect(JSON.stringify(reply.args.blocks)).toContain('model-cooldown');
  });

  it('serves /healthz on its own HTTP listener in Socket Mode', async () => {
    const res = await fetch(`${h.bot.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('Socket Mode approval flow', () => {
  it('requests a refresh, takes an approval click and refreshes exactly once, as in HTTP mode', async () => {
    const slack2 = await startFakeSlack({ botToken: BOT_TOKEN });
    const socket2 = await startFakeSocket();
    slack2.setSocketUrl(socket2.url);
    const w = await startWorld({
      slack: slack2,
      env: { SLACK_APP_TOKEN: 'xapp-1-A0AUTHBOT-1-test', SLACK_SIGNING_SECRET: '' },
    });
    try {
      await socket2.connected();
      const ack = await socket2.deliver('slash_commands', {
        ...slashPayload('kiro', slack2.responseUrl('sock-refresh')),
        command: '/auth-refresh',
        user_id: 'U0REQ',
      });
      expect(ack.envelope_id).toMatch(/^env-/);
      const request = await slack2.waitFor(
        (c) => c.method === 'chat.postMessage' && buttonsOf(c).some((b) => b.actionId === 'approve'),
      );
      expect(buttonsOf(request).map((b) => b.text)).toEqual(['Approve', 'Deny']);
      const id = buttonsOf(request).find((b) => b.actionId === 'approve')?.value ?? '';
      const click = (user: string) =>
        socket2.deliver('interactive', {
          type: 'block_actions',
          team: { id: 'T0FAKE' },
          user: { id: user },
          api_app_id: 'A0AUTHBOT',
          container: { type: 'message', message_ts: '1.1', channel_id: 'C0INCIDENT', is_ephemeral: false },
          channel: { id: 'C0INCIDENT' },
          message: { ts: '1.1', text: '', blocks: [] },
          response_url: slack2.responseUrl(),
          trigger_id: 'trigger',
          actions: [{ type: 'button', action_id: 'approve', block_id: 'b', value: id, action_ts: '1' }],
        });
      const acks = await Promise.all([click('U0ALICE'), click('U0ALICE'), click('U0BOB')]);
      expect(acks).toHaveLength(3);
      const final = await updateFor(w, 'Verified');
      expect(buttonsOf(final)).toEqual([]);
      expect(w.proxy.callsTo('/v0/management/auths/kiro/refresh', 'POST')).toHaveLength(1);
    } finally {
      await w.close();
      await socket2.close();
    }
  });
});
