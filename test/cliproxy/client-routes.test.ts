import { afterEach, describe, expect, it } from 'vitest';
import { claudeFile, geminiFile, iflowFile, kiroIdcFile } from '../fakes/fake-proxy.js';
import { errorOf, startPair } from './helpers.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('management client: routes', () => {
  it('reports management_disabled (refresh-404) when no key is configured on the server', async () => {
    const { client, close } = await startPair({ managementKey: null });
    cleanup = close;
    const err = await errorOf(client.listAuthFiles());
    expect(err).toMatchObject({ code: 'management_disabled', runbook: 'refresh-404' });
    expect(err.hint).toContain('secret-key');
    const info = await client.probe();
    expect(info).toMatchObject({
      reachable: true,
      error: { code: 'management_disabled', runbook: 'refresh-404' },
    });
  });

  it('detects the missing seed refresh route as route_missing, not refresh-404, and names the build', async () => {
    const { proxy, client, close } = await startPair({ version: 'v7.2.140' });
    cleanup = close;
    const err = await errorOf(client.refreshProvider('kiro'));
    expect(err.code).toBe('route_missing');
    expect(err.runbook).toBeUndefined();
    expect(err.message).toContain('no management refresh route');
    expect(err.message).toContain('v7.2.140');
    expect(proxy.callsTo('/v0/management/config')).toHaveLength(1);
  });

  it('calls the seed refresh route where the build has it', async () => {
    const { proxy, client, close } = await startPair({
      routes: { seedRefresh: true },
      files: [kiroIdcFile().file],
    });
    cleanup = close;
    await expect(client.refreshProvider('kiro')).resolves.toMatchObject({ status: 200 });
    expect(proxy.callsTo('/v0/management/auths/kiro/refresh', 'POST')).toHaveLength(1);
  });

  it('says management_disabled when a route 404s and /config does too', async () => {
    const { client, close } = await startPair({ managementKey: null });
    cleanup = close;
    expect((await errorOf(client.refreshProvider('kiro'))).code).toBe('management_disabled');
  });

  it('tells a handler 404 (not_found) from a missing route', async () => {
    const { client, close } = await startPair();
    cleanup = close;
    const err = await errorOf(client.readToken('nobody.json'));
    expect(err.code).toBe('not_found');
    expect(err.message).toContain('file not found');
    expect((await errorOf(client.setDisabled('nobody.json', true))).code).toBe('not_found');
  });

  it('rejects provider and file names with path tricks before any network call', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    for (const bad of ['../config', 'Kiro', 'kiro/refresh', '', 'a?b', '-kiro', 'k'.repeat(60)]) {
      expect((await errorOf(client.refreshProvider(bad))).code).toBe('bad_request');
      expect((await errorOf(client.startLogin(bad))).code).toBe('bad_request');
    }
    for (const bad of [
      '../x.json',
      'a/b.json',
      'x.yaml',
      'a..b.json',
      '.json',
      'x.json?name=y.json',
      'a b.json',
    ]) {
      expect((await errorOf(client.readToken(bad))).code).toBe('bad_request');
      expect((await errorOf(client.setDisabled(bad, false))).code).toBe('bad_request');
    }
    expect((await errorOf(client.startLogin('kiro', { method: '../x' }))).code).toBe('bad_request');
    expect((await errorOf(client.loginStatus('a b'))).code).toBe('bad_request');
    expect(proxy.calls).toHaveLength(0);
  });

  it('lists auth files and reduces each download to a TokenSummary', async () => {
    const kiro = kiroIdcFile({ clientSecret: false, expiresAt: '2026-01-02T03:04:05+02:00' });
    const iflow = iflowFile({ refreshToken: false, expired: 1767225600 });
    const gemini = geminiFile({ expiry: '2026-03-01T00:00:00.123456789Z' });
    const { client, close } = await startPair({ files: [kiro.file, iflow.file, gemini.file] });
    cleanup = close;
    const files = await client.listAuthFiles();
    expect(files.map((f) => f.name)).toEqual(['gemini-user.json', 'iflow-user.json', 'kiro-idc.json']);
    expect(files[2]).toMatchObject({
      provider: 'kiro',
      status: 'active',
      disabled: false,
      unavailable: false,
    });
    expect(await client.readToken('kiro-idc.json')).toMatchObject({
      type: 'kiro',
      expiresAt: '2026-01-02T01:04:05Z',
      hasRefreshToken: true,
      authMethod: 'idc',
      region: 'us-east-1',
      hasClientId: true,
      hasClientSecret: false,
      email: 'kiro-user@example.com',
    });
    expect(await client.readToken('iflow-user.json')).toMatchObject({
      expiresAt: '2026-01-01T00:00:00Z',
      hasRefreshToken: false,
    });
    expect(await client.readToken('gemini-user.json')).toMatchObject({
      expiresAt: '2026-03-01T00:00:00.123Z',
      hasRefreshToken: true,
    });
  });

  it('sets a credential disabled and enabled', async () => {
    const c = claudeFile();
    const { proxy, client, close } = await startPair({ files: [c.file] });
    cleanup = close;
    await client.setDisabled('claude-user.json', true);
    expect((await client.listAuthFiles())[0]).toMatchObject({ disabled: true, status: 'disabled' });
    await client.setDisabled('claude-user.json', false);
    expect((await client.listAuthFiles())[0]).toMatchObject({ disabled: false, status: 'active' });
    expect(JSON.parse(proxy.callsTo('/v0/management/auth-files/status')[0]?.body ?? '')).toEqual({
      name: 'claude-user.json',
      disabled: true,
    });
  });

  it("reads and replaces config.yaml, passing the server's errors on", async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    const yaml = await client.getConfigYaml();
    expect(yaml).toContain('remote-management:');
    await expect(
      client.putConfigYaml(yaml.replace('logging-to-file: false', 'logging-to-file: true')),
    ).resolves.toEqual({
      changed: ['config'],
      persisted: true,
    });
    const bad = await errorOf(client.putConfigYaml('a: [\n'));
    expect(bad.code).toBe('bad_request');
    expect(bad.message).toContain('invalid_yaml');
    const invalid = await errorOf(client.putConfigYaml('- 1\n- 2\n'));
    expect(invalid.code).toBe('bad_request');
    expect(invalid.message).toContain('invalid_config');
    proxy.state.configWritable = false;
    await expect(client.putConfigYaml(yaml)).resolves.toEqual({ changed: ['config'], persisted: false });
    expect(proxy.callsTo('/v0/management/config.yaml', 'PUT')[0]?.body).toContain('logging-to-file: true');
  });

  it('starts a login and polls its status', async () => {
    const { proxy, client, close } = await startPair({ routes: { plusLogins: true } });
    cleanup = close;
    const login = await client.startLogin('kiro', { method: 'aws' });
    expect(login.url).toContain('https://login.example.com/kiro');
    expect(proxy.calls[0]?.query).toEqual({ method: 'aws' });
    expect(await client.loginStatus(login.state)).toEqual({ status: 'wait' });
    expect(await client.loginStatus(login.state)).toEqual({ status: 'ok' });
    proxy.state.logins.set('dev1', [
      { status: 'device_code', verification_url: 'https://v.example', user_code: 'AB-CD' },
    ]);
    expect(await client.loginStatus('dev1')).toEqual({
      status: 'device_code',
      verificationUrl: 'https://v.example',
      userCode: 'AB-CD',
    });
    expect(await client.loginStatus('unknown')).toEqual({
      status: 'error',
      error: 'unknown or expired state',
    });
  });

  it('reports a login route the build lacks as route_missing', async () => {
    const { client, close } = await startPair({ routes: { plusLogins: false } });
    cleanup = close;
    const err = await errorOf(client.startLogin('kiro'));
    expect(err.code).toBe('route_missing');
    expect(err.message).toContain('no login route for kiro');
  });

  it('calls the legacy Kiro refresh without the management key and detects its absence', async () => {
    const kiro = kiroIdcFile();
    const { proxy, client, close } = await startPair({
      routes: { legacyKiroRefresh: true },
      files: [kiro.file],
    });
    cleanup = close;
    await expect(client.legacyKiroRefresh()).resolves.toEqual({
      refreshedCount: 1,
      message: 'Refreshed 1 token(s)',
    });
    expect(proxy.callsTo('/v0/oauth/kiro/refresh')[0]?.auth).toBe('none');
    proxy.state.routes.legacyKiroRefresh = false;
    const err = await errorOf(client.legacyKiroRefresh());
    expect(err.code).toBe('route_missing');
    expect(err.message).toContain('no legacy Kiro refresh route');
  });
});
