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
  it('says "no management refresh route" with the build, offers alternatives, and a re-login polls to Verified', async () => {
    w = await startWorld({ proxy: { routes: { seedRefresh: false, plusLogins: true } } });
    const { id } = await askRefresh(w);
    await click(w, 'approve', id, 'U0ALICE');
    const offer = await threadFor(w, 'no management refresh route');
    expect(blocksText(offer)).toContain('v6.9.3-plus-test');
    const failed = await updateFor(w, '*Failed*');
    expect(blocksText(failed)).not.toContain('refresh-404`');
    const relogin = buttonsOf(offer).find((b) => b.actionId === 'offer:relogin');
    expect(relogin?.value).toBe(id);
    await click(w, 'offer:relogin', relogin!.value, 'U0REQ');
    const second = await w.h.slack.waitFor(
      (c) => c.method === 'chat.postMessage' && !c.args.thread_ts && blocksText(c).includes('Re-login'),
    );
    const newId = buttonsOf(second).find((b) => b.actionId === 'approve')!.value;
    expect(newId).not.toBe(id);
    await click(w, 'approve', newId, 'U0BOB');
    await ephemeralFor(w, 'U0BOB', 'https://login.example.com/kiro');
    await threadFor(w, 'sent privately to <@U0BOB>');
    // the approver completes the login: the proxy writes a fresh token
    const f = w.proxy.state.files.get('kiro-a.json')!;
    f.content = {
      ...f.content,
      expires_at: new Date(Date.now() + 7_200_000).toISOString(),
      last_refresh: new Date().toISOString(),
    };
    await updateFor(w, 'Verified', 15_000);
    // the login URL went to the approver alone: no message in the channel or its thread carries it
    const visible = w.h.slack.calls.filter(
      (c) => c.method === 'chat.postMessage' || c.method === 'chat.update',
    );
    expect(JSON.stringify(visible.map((c) => c.args))).not.toContain('login.example.com');
    const prompts = w.h.slack
      .callsTo('chat.postEphemeral')
      .filter((c) => blocksText(c).includes('login.example.com'));
    expect(prompts.map((c) => c.args.user)).toEqual(['U0BOB']);
    expect(String(prompts[0]?.args.text)).toContain(':key: <@U0BOB>, complete the kiro login');
    expect(w.h.logs()).not.toContain('login.example.com');
    expect(w.proxy.callsTo('/v0/management/get-auth-status').length).toBeGreaterThan(1);
    expect(refreshCalls()).toBe(1);
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
    w = await startWorld({
      policy: DEFAULT_COOLDOWN_POLICY,
      proxy: { routes: { seedRefresh: false, legacyKiroRefresh: true } },
    });
    const { id } = await askRefresh(w);
    await click(w, 'approve', id, 'U0ALICE');
    const offer = await threadFor(w, 'no management refresh route');
    await updateFor(w, '*Failed*');
    const legacy = buttonsOf(offer).find((b) => b.actionId === 'offer:legacy_refresh');
    expect(legacy?.value).toBe(id);
    await click(w, 'offer:legacy_refresh', legacy!.value, 'U0REQ');
    const second = await w.h.slack.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && !c.args.thread_ts && blocksText(c).includes('legacy Kiro route'),
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
