// /auth-why end to end: the real app over HTTP on 127.0.0.1, signed like Slack signs, against a fake Slack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, SIGNING_SECRET, startHarness } from './harness.js';
import { nowSeconds, signSlackRequest } from './signing.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

type Block = { type: string; text?: { text: string }; elements?: { action_id?: string; value?: string }[] };

function textOf(blocks: Block[]): string {
  return JSON.stringify(blocks);
}

describe('/auth-why over HTTP', () => {
  it('acks a signed /auth-why 401 at once and answers with the repeated-401 row', async () => {
    const responseUrl = h.slack.responseUrl('why-401');
    const started = Date.now();
    const res = await h.command('/auth-why', '401', { responseUrl });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    const reply = await h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'why-401');
    expect(reply.args.response_type).toBe('ephemeral');
    const blocks = reply.args.blocks as Block[];
    expect(textOf(blocks)).toContain('repeated-401');
    expect(textOf(blocks)).toContain('Requests return repeated 401 after prior success');
    const share = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'why_share');
    expect(share?.value).toBe('401');
  });

  it('shows usage and every known symptom for /auth-why alone', async () => {
    const responseUrl = h.slack.responseUrl('why-help');
    await h.command('/auth-why', '', { responseUrl });
    const reply = await h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'why-help');
    const text = textOf(reply.args.blocks as Block[]);
    for (const id of ['repeated-401', 'kiro-idc-refresh', 'refresh-stopped-unauthorized'])
      expect(text).toContain(id);
  });

  it('says when nothing matches and suggests close symptoms', async () => {
    const responseUrl = h.slack.responseUrl('why-none');
    await h.command('/auth-why', 'who ordered the lunch pizza', { responseUrl });
    const reply = await h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'why-none');
    expect(String(reply.args.text).toLowerCase()).toMatch(/no (runbook )?(row|match)/);
  });

  it('shares an answer in the channel without buttons', async () => {
    const responseUrl = h.slack.responseUrl('why-share');
    const res = await h.click('why_share', 'manual refresh returns 404', { responseUrl, user: 'U0CAROL' });
    expect(res.status).toBe(200);
    const reply = await h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'why-share');
    expect(reply.args.response_type).toBe('in_channel');
    const blocks = reply.args.blocks as Block[];
    expect(textOf(blocks)).toContain('refresh-404');
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(textOf(blocks)).toContain('<@U0CAROL>');
  });

  it('never echoes a token pasted with a log line, in the answer or in its Share button', async () => {
    const responseUrl = h.slack.responseUrl('why-pasted');
    const pasted =
      'iflow executor: token refresh failed refresh_token=1//0gPastedSecret123 Bearer sk-pasted-key-123456';
    await h.command('/auth-why', pasted, { responseUrl });
    const reply = await h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'why-pasted');
    const all = JSON.stringify(reply.args);
    expect(all).toContain('iflow-refresh-failed');
    expect(all).not.toContain('1//0gPastedSecret123');
    expect(all).not.toContain('sk-pasted-key-123456');
  });

  it('rejects a bad signature with 401 and never answers', async () => {
    const body = new URLSearchParams({
      command: '/auth-why',
      text: '401',
      user_id: 'U0EVE',
      channel_id: 'C0INCIDENT',
      response_url: h.slack.responseUrl('evil'),
    }).toString();
    const headers = signSlackRequest('not-the-signing-secret', body, nowSeconds());
    const res = await h.post(body, headers);
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.slack.calls.some((c) => c.args.id === 'evil')).toBe(false);
  });

  it('rejects a correctly signed request with a stale timestamp with 401', async () => {
    const body = new URLSearchParams({
      command: '/auth-why',
      text: '401',
      user_id: 'U0EVE',
      channel_id: 'C0INCIDENT',
      response_url: h.slack.responseUrl('stale'),
    }).toString();
    const headers = signSlackRequest(SIGNING_SECRET, body, nowSeconds() - 6 * 60);
    const res = await h.post(body, headers);
    expect(res.status).toBe(401);
  });

  it('survives Slack refusing the answer (429, then ok:false) and keeps serving', async () => {
    h.slack.failNext('response_url', { status: 429, retryAfter: 1 });
    h.slack.failNext('response_url', { status: 404, error: 'expired_url' });
    expect((await h.command('/auth-why', '401', { responseUrl: h.slack.responseUrl('fail-1') })).status).toBe(
      200,
    );
    expect((await h.command('/auth-why', '404', { responseUrl: h.slack.responseUrl('fail-2') })).status).toBe(
      200,
    );
    await h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'fail-2');
    const responseUrl = h.slack.responseUrl('after');
    expect((await h.command('/auth-why', 'model_cooldown', { responseUrl })).status).toBe(200);
    const reply = await h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'after');
    expect(textOf(reply.args.blocks as Block[])).toContain('model-cooldown');
    const health = await fetch(`${h.bot.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('never writes the signing secret, the bot token or a response_url into its logs', async () => {
    await h.command('/auth-why', 'xoxb-1234-leaked-token refresh 401', {
      responseUrl: h.slack.responseUrl('secret'),
    });
    await h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'secret');
    const logs = h.logs();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(SIGNING_SECRET);
    expect(logs).not.toContain('xoxb-test-token');
    expect(logs).not.toContain('xoxb-1234-leaked-token');
    expect(logs).not.toContain('/response/');
  });
});
