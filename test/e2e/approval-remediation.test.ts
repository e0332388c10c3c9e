// Remediation end to end: missing route and alternatives, re-login, verification failure, proxy down,
// Slack 429 on chat.update, and a pending request surviving a restart.
import { afterEach, describe, expect, it } from 'vitest';
import {
  askRefresh,
  blocksText,
  buttonsOf,
  click,
  E2E_POLICY,
  ephemeralFor,
  startWorld,
  threadFor,
  updateFor,
  type World,
} from '../approvals/e2e-helpers.js';
import { startHarness } from '../e2e/harness.js';
import { DEFAULT_MANAGEMENT_KEY } from '../fakes/fake-proxy.js';
import type { SlackCall } from '../fakes/fake-slack.js';

let w: World;
afterEach(async () => {
  await w?.close();
});

const refreshCalls = () => w.proxy.callsTo('/v0/management/auths/kiro/refresh', 'POST').length;

describe('remediation over HTTP', () => {
  it('plans the re-login on a build without the seed route: one approval, the route named, polled to Verified', async () => {
    w = await startWorld({ proxy: { routes: { seedRefresh: false, plusLogins: true } } });
    const { id, call: request } = await askRefresh(w);
    // probed before posting, without starting a login: the request names what will run
    expect(blocksText(request)).toContain('kiro-auth-url?method=aws');
    expect(blocksText(request)).toContain('or re-login');
    expect(w.proxy.callsTo('/v0/management/kiro-auth-url').map((c) => c.query.method)).toEqual([
      'auth-bot-probe',
    ]);
    await click(w, 'approve', id, 'U0ALICE');
    const said = await threadFor(w, 'no management refresh route');
    expect(blocksText(said)).toContain('v6.9.3-plus-test');
    expect(blocksText(said)).toContain('Running the planned fallback');
    // the login link goes to the approver alone; the thread says so
    await ephemeralFor(w, 'U0ALICE', 'https://login.example.com/kiro');
    await threadFor(w, 'sent privately to <@U0ALICE>');
    // the approver completes the login: the proxy writes a fresh token
    const f = w.proxy.state.files.get('kiro-a.json')!;
    f.content = {
      ...f.content,
      expires_at: new Date(Date.now() + 7_200_000).toISOString(),
      last_refresh: new Date().toISOString(),
    };
    const final = await updateFor(w, 'Verified', 15_000);
    expect(blocksText(final)).not.toContain('refresh-404`');
    // the login URL went to the approver alone: no message in the channel or its thread carries it
    const visible = w.h.slack.calls.filter(
      (c) => c.method === 'chat.postMessage' || c.method === 'chat.update',
    );
    expect(JSON.stringify(visible.map((c) => c.args))).not.toContain('login.example.com');
    const prompts = w.h.slack
      .callsTo('chat.postEphemeral')
      .filter((c) => blocksText(c).includes('login.example.com'));
    expect(prompts.map((c) => c.args.user)).toEqual(['U0ALICE']);
    expect(String(prompts[0]?.args.text)).toContain(':key: <@U0ALICE>, complete the kiro login');
    expect(w.h.logs()).not.toContain('login.example.com');
    expect(w.proxy.callsTo('/v0/management/get-auth-status').length).toBeGreaterThan(1);
    // probed at request time and again at approval (same build, same plan?), then the one real login
    expect(w.proxy.callsTo('/v0/management/kiro-auth-url').map((c) => c.query.method)).toEqual([
      'auth-bot-probe',
      'auth-bot-probe',
      'aws',
    ]);
    expect(refreshCalls()).toBe(1);
    expect(w.h.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(1);
  });

  it('fails verification when the canary fails, linking its runbook row', async () => {
    w = await startWorld({
      env: { CLIPROXY_CLIENT_KEY: 'test-client-key', CLIPROXY_CANARY_MODEL: 'kiro-model' },
      proxy: {
        canary: {
          status: 503,
          body: {
            error: {
              message: 'auth_unavailable: no auth available',
              type: 'server_error',
              code: 'auth_unavailable',
            },
          },
        },
      },
    });
    const { id } = await askRefresh(w);
    await click(w, 'approve', id, 'U0ALICE');
    const final = await updateFor(w, 'Verification failed');
    expect(blocksText(final)).toContain('auth-unavailable');
    expect(buttonsOf(final)).toEqual([]);
  });

  it('reports a proxy that drops the refresh as a clear failure and keeps the audit', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    await w.proxy.setFault({ kind: 'drop', scope: /\/auths\/kiro\/refresh$/ });
    await click(w, 'approve', id, 'U0ALICE');
    await updateFor(w, '*Failed*');
    await threadFor(w, 'Failed');
    const audit = await w.h.bot.store.listAudit({ correlationId: id, limit: 500 });
    expect(audit.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['request.created', 'request.approved', 'request.failed']),
    );
    expect(audit.some((e) => e.kind === 'proxy.call' && e.data.status === null)).toBe(true);
  });

  it('retries chat.update after a Slack 429 and still executes once', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    w.h.slack.failNext('chat.update', { status: 429, retryAfter: 1 });
    await click(w, 'approve', id, 'U0ALICE');
    await updateFor(w, 'Verified', 15_000);
    // the first chat.update got the 429; the same rendering of the same message was sent again after it
    const [limited, ...later] = w.h.slack.callsTo('chat.update');
    const rendering = (c: SlackCall) =>
      JSON.stringify([c.args.channel, c.args.ts, c.args.text, c.args.blocks]);
    expect(limited).toBeDefined();
    expect(later.map(rendering)).toContain(rendering(limited!));
    expect(refreshCalls()).toBe(1);
  });

  it('keeps a pending request across a restart on the same SQLite file and executes it after', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    // the bot stores the message ts once Slack answered chat.postMessage
    while (!(await w.h.bot.store.getRequest(id))?.messageTs) await new Promise((r) => setTimeout(r, 20));
    await w.h.stop(false);
    w.h = await startHarness({
      policy: E2E_POLICY,
      slack: w.h.slack,
      dataDir: w.h.dataDir,
      env: { CLIPROXY_URL: w.proxy.url, CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY },
    });
    await click(w, 'approve', id, 'U0ALICE');
    await updateFor(w, 'Verified');
    expect(refreshCalls()).toBe(1);
  });

  it('refuses mutating commands with a hint when no policy file exists', async () => {
    w = await startWorld({ policy: undefined as unknown as string });
    await w.h.stop(false);
    w.h = await startHarness({
      slack: w.h.slack,
      // unset: the default ./policy.yml, which the repo does not have
      env: {
        CLIPROXY_URL: w.proxy.url,
        CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
        AUTHBOT_POLICY_FILE: undefined,
      },
    });
    await w.h.command('/auth-refresh', 'kiro', { user: 'U0REQ', channel: 'C0INCIDENT' });
    await ephemeralFor(w, 'U0REQ', 'policy.example.yml');
    expect(refreshCalls()).toBe(0);
  });
});

// The policy's default cooldown (5m): no `cooldown: 0s` here.
const DEFAULT_COOLDOWN_POLICY = `
channels: [C0INCIDENT]
approvers: { users: [U0ALICE, U0BOB, U0REQ] }
`;

describe('cooldown with the default policy', () => {
  it('lets the alternative offered after "route missing" be requested at once', async () => {
    // a build with no refresh route and no Kiro login route: the only thing left to offer is re-enable
    w = await startWorld({ policy: DEFAULT_COOLDOWN_POLICY, proxy: { routes: { seedRefresh: false } } });
    w.proxy.state.files.get('kiro-a.json')!.disabled = true;
    w.proxy.state.files.set('kiro-b.json', {
      ...w.proxy.state.files.get('kiro-a.json')!,
      name: 'kiro-b.json',
      disabled: false,
    });
    const { id } = await askRefresh(w);
    await click(w, 'approve', id, 'U0ALICE');
    const offer = await threadFor(w, 'no management refresh route');
    await updateFor(w, '*Failed*');
    const reenable = buttonsOf(offer).find((b) => b.actionId === 'offer:reenable');
    expect(reenable?.value).toBe(id);
    expect(buttonsOf(offer).map((b) => b.actionId)).not.toContain('offer:legacy_refresh');
    await click(w, 'offer:reenable', reenable!.value, 'U0REQ');
    const second = await w.h.slack.waitFor(
      (c) => c.method === 'chat.postMessage' && !c.args.thread_ts && blocksText(c).includes('Re-enable'),
    );
    const newId = buttonsOf(second).find((b) => b.actionId === 'approve')?.value;
    expect(newId).not.toBe(id);
    expect(w.h.slack.callsTo('chat.postEphemeral').map((c) => String(c.args.text))).not.toContainEqual(
      expect.stringContaining('cooling down'),
    );
  });

  it('refuses a second refresh right after a verified one', async () => {
    w = await startWorld({ policy: DEFAULT_COOLDOWN_POLICY });
    const { id } = await askRefresh(w);
    await click(w, 'approve', id, 'U0ALICE');
    await updateFor(w, 'Verified');
    await w.h.command('/auth-refresh', 'kiro', { user: 'U0REQ', channel: 'C0INCIDENT' });
    const refused = await ephemeralFor(w, 'U0REQ', 'cooling down');
    expect(String(refused.args.text)).toContain(id);
    expect(refreshCalls()).toBe(1);
  });
});
