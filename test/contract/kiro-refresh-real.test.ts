// `/auth-refresh kiro` end to end over HTTP: the real bot, the fake Slack and the REAL CLIProxyAPIPlus
// v6.9.2-0 server. Offline its Kiro refresh fails fast (no DNS) and the thread says which row fits each
// file; with the token stand-in (a CONNECT proxy on 127.0.0.1 terminating TLS with a test CA) the real
// server refreshes an IDC file and a social file, and the bot reports Verified with the expiry moved.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  askRefresh,
  blocksText,
  buttonsOf,
  click,
  threadFor,
  updateFor,
  type World,
} from '../approvals/e2e-helpers.js';
import { runAuthBot } from '../cli/status-helpers.js';
import { type Harness, startHarness } from '../e2e/harness.js';
import { type RealServer, startRealServer } from '../setup/real-server.js';
import { startTokenStandin, type TokenStandin } from '../setup/token-standin.js';

const POLICY = `
channels: [C0INCIDENT]
approvers: { users: [U0ALICE, U0BOB] }
actions:
  refresh: { cooldown: 0s }
`;

const tag = () => Math.random().toString(36).slice(2, 10);

/** Kiro token files as the Plus server writes them; every token value is unique to this run. */
function kiroFiles(opts: { idcComplete: boolean }) {
  const t = tag();
  const inTwoHours = new Date(Date.now() + 2 * 3_600_000).toISOString();
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  const idc: Record<string, unknown> = {
    type: 'kiro',
    access_token: `aoa-idc-access-${t}`,
    refresh_token: `aor-idc-refresh-${t}`,
    auth_method: 'idc',
    provider: 'AWS',
    client_id: `idc-client-id-${t}`,
    region: 'us-east-1',
    start_url: 'https://example.awsapps.com/start',
    expires_at: inTwoHours,
    last_refresh: hourAgo,
    email: 'idc@example.com',
  };
  if (opts.idcComplete) idc.client_secret = `idc-client-secret-${t}`;
  const social = {
    type: 'kiro',
    access_token: `aoa-social-access-${t}`,
    refresh_token: `aor-social-refresh-${t}`,
    profile_arn: 'arn:aws:codewhisperer:us-east-1:000000000000:profile/SEED',
    auth_method: 'social',
    provider: 'Google',
    expires_at: inTwoHours,
    last_refresh: hourAgo,
    email: 'social@example.com',
  };
  const files = { 'kiro-idc.json': idc, 'kiro-social.json': social };
  const secrets = Object.values(files).flatMap((f) =>
    Object.entries(f)
      .filter(([k]) => ['access_token', 'refresh_token', 'client_secret'].includes(k))
      .map(([, v]) => String(v)),
  );
  return { files, secrets };
}

let server: RealServer | undefined;
let standin: TokenStandin | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  await server?.close();
  await standin?.close();
  h = undefined;
  server = undefined;
  standin = undefined;
});
afterAll(async () => {
  await h?.stop();
});

async function botFor(s: RealServer): Promise<World> {
  h = await startHarness({
    policy: POLICY,
    env: { CLIPROXY_URL: s.url, CLIPROXY_MANAGEMENT_KEY: s.managementKey },
    botOptions: {},
  });
  return { h, proxy: undefined as never, secrets: [], close: async () => undefined };
}

/** Everything the bot let out: Slack calls, its log, its audit trail. */
async function everythingSaid(w: World): Promise<string> {
  const audit = await w.h.bot.store.listAudit({ limit: 1000 });
  return JSON.stringify(w.h.slack.calls.map((c) => c.args)) + w.h.logs() + JSON.stringify(audit);
}

async function expiryOf(s: RealServer, name: string): Promise<string> {
  return String(JSON.parse(await readFile(join(s.authDir, name), 'utf8')).expires_at);
}

/** `auth-bot status kiro --json` against the server: credential rows by file name. */
async function statusRows(s: RealServer): Promise<Record<string, { runbook: string[] }>> {
  const r = await runAuthBot(['status', 'kiro', '--json'], {
    CLIPROXY_URL: s.url,
    CLIPROXY_MANAGEMENT_KEY: s.managementKey,
  });
  const json = JSON.parse(r.stdout) as { credentials: { name: string; runbook: string[] }[] };
  return Object.fromEntries(json.credentials.map((c) => [c.name, c]));
}

describe('/auth-refresh kiro against the real Plus server', () => {
  it('offline: fails fast, Verification failed with kiro-idc-refresh for the IDC file and the network error for the social one', async () => {
    const seed = kiroFiles({ idcComplete: false });
    server = await startRealServer({ build: 'plus', authFiles: seed.files });
    // auth-status reads Plus's auth-files and the IDC fields of its Kiro files
    const rows = await statusRows(server);
    expect(rows['kiro-idc.json']?.runbook).toContain('kiro-idc-refresh');
    expect(rows['kiro-social.json']?.runbook ?? []).not.toContain('kiro-idc-refresh');
    const w = await botFor(server);
    const { id, call } = await askRefresh(w);
    expect(blocksText(call)).toContain('legacy Kiro refresh, every Kiro file');
    const started = Date.now();
    await click(w, 'approve', id, 'U0ALICE');
    const final = await updateFor(w, 'Verification failed', 20_000);
    expect(Date.now() - started).toBeLessThan(10_000); // no DNS: the server's refresh fails within ms
    const thread = await threadFor(w, 'Verification failed');
    const text = blocksText(thread);
    expect(text).toContain('kiro-idc-refresh');
    expect(text).toMatch(/kiro-idc\.json.*client_secret/);
    expect(text).toMatch(/kiro-social\.json.*(no such host|lookup)/);
    expect(blocksText(final)).toContain('kiro-idc-refresh');
    expect(buttonsOf(final)).toEqual([]);
    expect(await expiryOf(server, 'kiro-social.json')).toBe(seed.files['kiro-social.json'].expires_at);
    const said = await everythingSaid(w);
    for (const secret of seed.secrets) expect(said).not.toContain(secret);
    expect(said).not.toContain(server.managementKey);
  }, 60_000);

  it('with the token stand-in: the real server refreshes an IDC and a social file and the bot reports Verified', async () => {
    standin = await startTokenStandin({ expiresIn: 4 * 3600 });
    expect(standin.address.address).toBe('127.0.0.1'); // the stand-in never listens beyond loopback
    const seed = kiroFiles({ idcComplete: true });
    server = await startRealServer({ build: 'plus', authFiles: seed.files, env: standin.serverEnv });
    expect((await statusRows(server))['kiro-idc.json']?.runbook ?? []).not.toContain('kiro-idc-refresh');
    const w = await botFor(server);
    const before = {
      idc: await expiryOf(server, 'kiro-idc.json'),
      social: await expiryOf(server, 'kiro-social.json'),
    };
    const { id, call } = await askRefresh(w);
    expect(blocksText(call)).toContain('refreshes every Kiro file');
    expect(standin.calls).toEqual([]); // planning probed; it refreshed nothing
    await click(w, 'approve', id, 'U0ALICE');
    const final = await updateFor(w, 'Verified', 25_000);
    expect(blocksText(final)).not.toContain('Verification failed');
    await threadFor(w, 'Running the planned fallback');
    // the real server called both token endpoints through the stand-in, each with its file's refresh token
    const idcCall = standin.calls.find((c) => c.kind === 'oidc');
    const socialCall = standin.calls.find((c) => c.kind === 'social');
    expect(idcCall).toMatchObject({ host: 'oidc.us-east-1.amazonaws.com', hasClientCredentials: true });
    expect(idcCall?.refreshToken).toBe(seed.files['kiro-idc.json'].refresh_token);
    expect(socialCall).toMatchObject({ host: 'prod.us-east-1.auth.desktop.kiro.dev' });
    expect(socialCall?.refreshToken).toBe(seed.files['kiro-social.json'].refresh_token);
    // the files on disk moved forward
    expect(Date.parse(await expiryOf(server, 'kiro-idc.json'))).toBeGreaterThan(Date.parse(before.idc));
    expect(Date.parse(await expiryOf(server, 'kiro-social.json'))).toBeGreaterThan(Date.parse(before.social));
    const said = await everythingSaid(w);
    for (const secret of [...seed.secrets, ...standin.issued]) expect(said).not.toContain(secret);
    expect((await w.h.bot.store.getRequest(id))?.state).toBe('verified');
    expect(w.h.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(1);
  }, 60_000);
});
