// Contract tests against both real builds (upstream CLIProxyAPI v7.2.140 and CLIProxyAPIPlus v6.9.2-0):
// the same tests parameterised by build, one server start per build. Build-specific routes are covered
// in real-server-routes.test.ts.
import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createManagementClient, type HttpManagementClient } from '../../src/cliproxy/client.js';
import { runCheck } from '../../src/domain/checks/index.js';
import { runAuthBot } from '../cli/status-helpers.js';
import { BOTH_BUILDS, seedTokenFiles, useRealServer } from '../setup/real-server.js';

/** A dispatcher that counts the requests that really leave the process. */
function countingDispatcher(): { dispatcher: Dispatcher; count: () => number; close: () => Promise<void> } {
  let n = 0;
  const agent = new Agent();
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    n++;
    return dispatch(opts, handler);
  });
  return { dispatcher, count: () => n, close: () => agent.close() };
}

describe.each(BOTH_BUILDS)('the real $name server ($version)', (build) => {
  const seed = seedTokenFiles();
  const outputs: string[] = [];
  const realServer = useRealServer({ build: build.name, authFiles: seed.files });
  let managed: HttpManagementClient | undefined;
  let server: ReturnType<typeof realServer>;
  let client: HttpManagementClient;
  // every test asks for the server first: a missing binary fails each test (a failing beforeAll would
  // only skip them)
  beforeEach(() => {
    server = realServer();
    managed ??= createManagementClient({ baseUrl: server.url, managementKey: server.managementKey });
    client = managed;
  });
  afterAll(async () => {
    await managed?.close();
  });

  it('accepts the key as a bearer header and names its build', async () => {
    const info = await client.probe();
    outputs.push(JSON.stringify(info));
    expect(info).toMatchObject({ url: server.url, reachable: true });
    expect(info.error).toBeUndefined();
    expect(client.serverVersion).toBe(build.version);
  });

  it('lists the seeded auth files and reduces each download to a summary', async () => {
    const files = await client.listAuthFiles();
    expect(files.map((f) => f.name).sort()).toEqual(['claude-user.json', 'iflow-user.json', 'kiro-idc.json']);
    expect(files.find((f) => f.name === 'kiro-idc.json')).toMatchObject({
      provider: 'kiro',
      disabled: false,
    });
    const kiro = await client.readToken('kiro-idc.json');
    expect(kiro).toMatchObject({
      authMethod: 'idc',
      hasClientId: true,
      hasClientSecret: false,
      region: 'us-east-1',
    });
    expect(kiro.expiresAt).toMatch(/Z$/);
    expect(await client.readToken('iflow-user.json')).toMatchObject({
      type: 'iflow',
      hasRefreshToken: false,
    });
    expect(await client.readToken('claude-user.json')).toMatchObject({
      expiresAt: '2020-01-01T00:00:00Z',
      hasRefreshToken: true,
    });
    outputs.push(JSON.stringify(files), JSON.stringify(kiro));
    expect((await client.readToken('nobody.json').catch((e) => e)).code).toBe('not_found');
  });

  it('detects the seed refresh route as route_missing (not refresh-404), naming the build', async () => {
    const err = await client.refreshProvider('kiro').catch((e) => e);
    expect(err.code).toBe('route_missing');
    expect(err.runbook).toBeUndefined();
    expect(err.message).toContain('no management refresh route');
    expect(err.message).toContain(build.version);
  });

  it("passes the server's YAML errors on without changing anything", async () => {
    const err = await client.putConfigYaml('a: [\n').catch((e) => e);
    expect(err.code).toBe('bad_request');
    expect(err.message).toContain('invalid_yaml');
    expect(await client.getConfigYaml()).toContain('remote-management:');
  });

  it('classifies the canary failure on a server with no working provider', async () => {
    // a model no provider serves on either build (Plus serves claude-* through Kiro, which retries
    // offline for ~15 s before it answers 500 "kiro: all endpoints exhausted")
    const r = await client.canary(server.clientKey, 'auth-bot-no-such-model');
    outputs.push(JSON.stringify(r));
    expect(r.ok).toBe(false);
    expect(r.failure).toBe('unknown_provider');
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    const wrong = await client.canary('not-the-client-key', 'auth-bot-no-such-model');
    expect(wrong).toMatchObject({ status: 401, failure: 'invalid_api_key', runbook: 'repeated-401' });
  });

  it('auth-bot status --json reports the seeded problems', async () => {
    const r = await runAuthBot(['status', '--json'], {
      CLIPROXY_URL: server.url,
      CLIPROXY_MANAGEMENT_KEY: server.managementKey,
    });
    outputs.push(r.stdout, r.stderr);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.server).toMatchObject({ url: server.url, reachable: true });
    expect(json.server.version).toBeTruthy();
    const byName = Object.fromEntries(json.credentials.map((c: { name: string }) => [c.name, c]));
    expect(byName['kiro-idc.json'].runbook).toContain('kiro-idc-refresh');
    expect(byName['iflow-user.json'].runbook).toContain('iflow-refresh-failed');
    expect(byName['claude-user.json'].runbook).toContain('token-stays-expired');
    expect(byName['claude-user.json'].expires_at).toBe('2020-01-01T00:00:00Z');
    expect(byName['kiro-idc.json'].has_refresh_token).toBe(true);
  });

  it('auth-bot check confirms the Kiro IDC row', async () => {
    const r = await runAuthBot(['check', 'kiro-idc-refresh', '--json'], {
      CLIPROXY_URL: server.url,
      CLIPROXY_MANAGEMENT_KEY: server.managementKey,
    });
    outputs.push(r.stdout, r.stderr);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ row: 'kiro-idc-refresh', confirmed: true });
    const refresh404 = await runCheck('refresh-404', { proxy: client, now: Date.now });
    expect(refresh404.confirmed).toBe(false);
  });

  it('a wrong key gives unauthorized and exactly one request reaches the server', async () => {
    const counter = countingDispatcher();
    const wrong = createManagementClient({
      baseUrl: server.url,
      managementKey: 'definitely-not-the-key',
      dispatcher: counter.dispatcher,
    });
    const before = server.requestLog('/v0/management/auth-files').length;
    const first = await wrong.listAuthFiles().catch((e) => e);
    expect(first.code).toBe('unauthorized');
    expect(first.runbook).toBe('refresh-401');
    expect(first.message).toContain('invalid management key');
    expect(first.message).not.toContain('definitely-not-the-key');
    for (let i = 0; i < 6; i++)
      expect((await wrong.listAuthFiles().catch((e) => e)).code).toBe('unauthorized');
    expect((await wrong.probe()).error?.code).toBe('unauthorized');
    expect(counter.count()).toBe(1);
    // the server's own access log agrees: one more 401 on that route, and the good key still works (no ban)
    await new Promise((r) => setTimeout(r, 100));
    const lines = server.requestLog('/v0/management/auth-files').slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('401');
    await expect(client.listAuthFiles()).resolves.toHaveLength(3);
    await wrong.close();
    await counter.close();
  });

  it('never lets a token value into any output', () => {
    const all = outputs.join('\n');
    for (const secret of seed.secrets) expect(all).not.toContain(secret);
  });
});
