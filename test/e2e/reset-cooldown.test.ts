// reset-cooldown end to end over HTTP: the real bot, a fake Slack, and the fake proxy's cooldowns.
import { afterEach, describe, expect, it } from 'vitest';
import {
  blocksText,
  buttonsOf,
  click,
  E2E_POLICY,
  ephemeralFor,
  expectNoSecrets,
  startWorld,
  threadFor,
  updateFor,
  type World,
} from '../approvals/e2e-helpers.js';
import { type FakeAuthFile, type FakeProxyOptions, kiroIdcFile } from '../fakes/fake-proxy.js';
import type { SlackCall } from '../fakes/fake-slack.js';
import { SIGNING_SECRET } from './harness.js';
import { nowSeconds, signSlackRequest } from './signing.js';

let w: World;
afterEach(async () => {
  await w?.close();
});

const POLICY = `${E2E_POLICY}  reset-cooldown: { cooldown: 0s }\n`;

function cooling(name: string, over: Partial<FakeAuthFile> = {}): { file: FakeAuthFile; secrets: string[] } {
  const seeded = kiroIdcFile({ name, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  return {
    secrets: seeded.secrets,
    file: {
      ...seeded.file,
      status: 'error',
      statusMessage: 'quota exhausted',
      unavailable: true,
      nextRetryAfter: new Date(Date.now() + 2 * 3_600_000).toISOString(),
      models: ['claude-sonnet-4-5', 'claude-opus-4-1'],
      ...over,
    },
  };
}

async function world(files: { file: FakeAuthFile; secrets: string[] }[], proxy: FakeProxyOptions = {}) {
  w = await startWorld({ policy: POLICY, proxy: { files: files.map((f) => f.file), ...proxy } });
  w.secrets.push(...files.flatMap((f) => f.secrets));
  return w;
}

/** POST /reset-quota calls that named a credential (the probe sends {}). */
const resets = () =>
  w.proxy.callsTo('/v0/management/reset-quota', 'POST').filter((c) => c.body.includes('auth_index'));
const probes = () => w.proxy.callsTo('/v0/management/reset-quota', 'POST').filter((c) => c.body === '{}');

async function clickRequestFixOnWhy(user = 'U0REQ'): Promise<void> {
  const id = `why-${Math.random().toString(36).slice(2)}`;
  await w.h.command('/auth-why', '429 model_cooldown', { user, responseUrl: w.h.slack.responseUrl(id) });
  const reply = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === id);
  const fix = buttonsOf(reply).find((b) => b.actionId === 'fix_request:model-cooldown');
  expect(fix?.value).toBe('model-cooldown');
  expect(fix?.text).toBe('Request fix');
  await w.h.click(fix?.actionId ?? '', fix?.value ?? '', { user, channel: 'C0INCIDENT' });
}

function requestMessage(): Promise<SlackCall> {
  return w.h.slack.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.args.thread_ts === undefined &&
      buttonsOf(c).some((b) => b.actionId === 'approve'),
  );
}

const requestIdOf = (call: SlackCall) => buttonsOf(call).find((b) => b.actionId === 'approve')?.value ?? '';

/** A signed static_select pick, as Slack sends it. */
function pick(value: string, user: string) {
  const payload = {
    type: 'block_actions',
    team: { id: 'T0FAKE', domain: 'fake' },
    user: { id: user, username: user.toLowerCase(), team_id: 'T0FAKE' },
    api_app_id: 'A0AUTHBOT',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: '1700000001.000200',
      channel_id: 'C0INCIDENT',
      is_ephemeral: true,
    },
    trigger_id: `${Date.now()}.trigger`,
    channel: { id: 'C0INCIDENT', name: 'incident' },
    response_url: w.h.slack.responseUrl(),
    actions: [
      {
        type: 'static_select',
        action_id: 'reset_cooldown_pick',
        block_id: 'pick',
        selected_option: { text: { type: 'plain_text', text: value.slice(0, 75) }, value },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return w.h.post(body, signSlackRequest(SIGNING_SECRET, body, nowSeconds()));
}

describe('reset-cooldown from /auth-why 429 model_cooldown', () => {
  it('probes, requests the one credential in cooldown, and after another person approves resets it once: Verified', async () => {
    await world([cooling('kiro-a.json'), { file: kiroIdcFile({ name: 'kiro-b.json' }).file, secrets: [] }]);
    await clickRequestFixOnWhy();
    const request = await requestMessage();
    const text = blocksText(request);
    expect(text).toContain('Reset cooldown: kiro-a.json');
    expect(text).toContain('quota exhausted — retry after');
    expect(text).toContain('reset-quota');
    expect(probes()).toHaveLength(1);
    expect(resets()).toHaveLength(0);

    await click(w, 'approve', requestIdOf(request), 'U0ALICE');
    await updateFor(w, 'Verified');
    expect(resets()).toHaveLength(1);
    expect(JSON.parse(resets()[0]!.body)).toEqual({ auth_index: 'idx000000' });
    const cleared = await threadFor(w, 'model(s) cleared');
    expect(blocksText(cleared)).toContain('claude-sonnet-4-5');
    expect(blocksText(cleared)).toContain('claude-opus-4-1');
    expect(w.proxy.state.files.get('kiro-a.json')?.unavailable).toBe(false);
    const audit = await w.h.bot.store.listAudit({ correlationId: requestIdOf(request), limit: 500 });
    expect(audit.map((e) => e.kind)).toEqual(
      expect.arrayContaining([
        'request.created',
        'vote.cast',
        'execution.claimed',
        'verify.result',
        'request.verified',
      ]),
    );
    expectNoSecrets(w);
  });

  it('reports Verification failed linked to model-cooldown when the proxy answers ok but keeps the cooldown', async () => {
    await world([cooling('kiro-a.json', { resetQuota: 'ignored' })]);
    await clickRequestFixOnWhy();
    const request = await requestMessage();
    await click(w, 'approve', requestIdOf(request), 'U0ALICE');
    const failed = await updateFor(w, 'Verification failed', 20_000);
    expect(blocksText(failed)).toContain('model-cooldown');
    const thread = await threadFor(w, 'Verification failed');
    expect(blocksText(thread)).toContain('still cooling down');
    expect(resets()).toHaveLength(1);
  }, 30_000);

  it('opens nothing on a build without the route and says which build', async () => {
    await world([cooling('kiro-a.json')], {
      routes: { seedRefresh: true, resetQuota: false },
      version: 'v6.9.3-plus-test',
    });
    await clickRequestFixOnWhy();
    const answer = await ephemeralFor(w, 'U0REQ', 'has no cooldown reset');
    expect(String(answer.args.text)).toContain('v6.9.3-plus-test');
    expect(String(answer.args.text)).toContain('Nothing was opened');
    await new Promise((r) => setTimeout(r, 200));
    expect(w.h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(probes()).toHaveLength(1);
    expect(resets()).toHaveLength(0);
    const calls = (await w.h.bot.store.listAudit({ limit: 500 })).filter(
      (e) => e.kind === 'proxy.call' && e.data.route === '/v0/management/reset-quota',
    );
    expect(calls.map((e) => e.data.status)).toEqual([404]);
    expect(
      (await w.h.bot.store.listAudit({ limit: 500 })).some(
        (e) => e.kind === 'request.refused' && String(e.data.reason).includes('no cooldown reset'),
      ),
    ).toBe(true);
  });

  it('shows since when it cools down, and goes stale instead of resetting when the cooldown ended on its own', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    await world([cooling('kiro-a.json', { updatedAt: since })]);
    await clickRequestFixOnWhy();
    const request = await requestMessage();
    expect(blocksText(request)).toContain(
      `Cooling down since:* ${since.replace(/\.\d+Z$/, (m) => (m === '.000Z' ? 'Z' : m))}`,
    );
    const f = w.proxy.state.files.get('kiro-a.json')!;
    f.unavailable = false;
    delete f.nextRetryAfter;
    f.status = 'active';
    f.statusMessage = '';
    await click(w, 'approve', requestIdOf(request), 'U0ALICE');
    const stale = await threadFor(w, 'Stale');
    expect(blocksText(stale)).toContain('no longer cooling down');
    expect(resets()).toHaveLength(0);
  });

  it('refuses self-approval and resets nothing', async () => {
    await world([cooling('kiro-a.json')]);
    await clickRequestFixOnWhy('U0REQ');
    const request = await requestMessage();
    await click(w, 'approve', requestIdOf(request), 'U0REQ');
    await ephemeralFor(w, 'U0REQ', 'cannot approve it yourself');
    await new Promise((r) => setTimeout(r, 200));
    expect(resets()).toHaveLength(0);
  });

  it('calls reset-quota once when 20 approve clicks arrive together', async () => {
    await world([cooling('kiro-a.json')]);
    await clickRequestFixOnWhy();
    const id = requestIdOf(await requestMessage());
    const users = ['U0ALICE', 'U0BOB'];
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => click(w, 'approve', id, users[i % 2]!)),
    );
    expect(acks.every((r) => r.status === 200)).toBe(true);
    await updateFor(w, 'Verified');
    await new Promise((r) => setTimeout(r, 300));
    expect(resets()).toHaveLength(1);
  });

  it('lets the user pick when several credentials cool down, and opens the request for the pick', async () => {
    await world([cooling('kiro-a.json'), cooling('kiro-b.json')]);
    await clickRequestFixOnWhy();
    const picker = await w.h.slack.waitFor(
      (c) => c.method === 'chat.postEphemeral' && blocksText(c).includes('reset_cooldown_pick'),
    );
    const select = JSON.stringify(picker.args.blocks);
    expect(select).toContain('kiro-a.json');
    expect(select).toContain('kiro-b.json');
    expect(w.h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    await pick('kiro-b.json', 'U0REQ');
    const request = await requestMessage();
    expect(blocksText(request)).toContain('Reset cooldown: kiro-b.json');
    await click(w, 'approve', requestIdOf(request), 'U0BOB');
    await updateFor(w, 'Verified');
    expect(resets().map((c) => JSON.parse(c.body).auth_index)).toEqual(['idx000001']);
    expect(w.proxy.state.files.get('kiro-a.json')?.unavailable).toBe(true);
  });

  it('answers a forged or oversized pick plainly and opens nothing', async () => {
    await world([cooling('kiro-a.json'), cooling('kiro-b.json')]);
    for (const value of ['../../etc/passwd', `<!channel> ${'x'.repeat(3000)}`, 'kiro-c.json`\n*bold*']) {
      const res = await pick(value, 'U0REQ');
      expect(res.status).toBe(200);
    }
    const refusals = () =>
      w.h.slack.calls.filter(
        (c) => c.method === 'chat.postEphemeral' && String(c.args.text).includes('has no credential'),
      );
    for (let i = 0; i < 100 && refusals().length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    const texts = refusals().map((c) => String(c.args.text));
    expect(texts).toHaveLength(3);
    for (const t of texts) {
      expect(t).not.toContain('<!channel>');
      expect(t.length).toBeLessThan(400);
    }
    expect(w.h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(resets()).toHaveLength(0);
  });

  it('refuses outside the policy channels before asking the proxy anything', async () => {
    await world([cooling('kiro-a.json')]);
    await w.h.click('fix_request:model-cooldown', 'model-cooldown', { user: 'U0REQ', channel: 'C0OTHER' });
    // the channel guard answers through the click's response_url, ephemerally, naming the allowed channel
    const refusal = await w.h.slack.waitFor((c) => c.method === 'response_url');
    expect(String(refusal.args.text)).toContain('<#C0INCIDENT>');
    expect(probes()).toHaveLength(0);
    expect(w.h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('says there is nothing to reset when no credential cools down', async () => {
    await world([{ file: kiroIdcFile({ name: 'kiro-a.json' }).file, secrets: [] }]);
    await clickRequestFixOnWhy();
    await ephemeralFor(w, 'U0REQ', 'No credential is cooling down');
    expect(w.h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });
});

describe('reset-cooldown from /auth-status', () => {
  it('shows the cooling-down credential in words with Request fix, and the click opens its request', async () => {
    await world([cooling('kiro-a.json'), { file: kiroIdcFile({ name: 'kiro-b.json' }).file, secrets: [] }]);
    await w.h.command('/auth-status', '', { user: 'U0REQ', responseUrl: w.h.slack.responseUrl('st') });
    const status = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'st', 10_000);
    const text = JSON.stringify(status.args.blocks);
    expect(text).toContain('quota exhausted — retry after');
    expect(text).toContain('kiro-b.json');
    expect(text).toContain('fix: reset-cooldown');
    type B = { accessory?: { action_id: string; value: string; text: { text: string } } };
    const fix = (status.args.blocks as B[]).find((b) => b.accessory)?.accessory;
    expect(fix?.text.text).toBe('Request fix');
    expect(fix?.value).toBe('kiro-a.json');
    await w.h.click(fix?.action_id ?? '', fix?.value ?? '', { user: 'U0REQ', channel: 'C0INCIDENT' });
    const request = await requestMessage();
    expect(blocksText(request)).toContain('Reset cooldown: kiro-a.json');
    expect(probes()).toHaveLength(1);
  });

  it('refuses to open a request for a credential that is not cooling down', async () => {
    await world([{ file: kiroIdcFile({ name: 'kiro-b.json' }).file, secrets: [] }]);
    await w.h.click('reset_cooldown:0', 'kiro-b.json', { user: 'U0REQ', channel: 'C0INCIDENT' });
    await ephemeralFor(w, 'U0REQ', 'is not cooling down');
    expect(w.h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });
});
