import { afterEach, describe, expect, it } from 'vitest';
import { claudeFile, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';
import { runAuthBot } from './status-helpers.js';

let proxy: FakeProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

const envFor = (p: FakeProxy) => ({ CLIPROXY_URL: p.url, CLIPROXY_MANAGEMENT_KEY: p.state.managementKey });

describe('auth-bot check', () => {
  it('exits 1 and prints the findings when the symptom is confirmed', async () => {
    proxy = await startFakeProxy({ files: [kiroIdcFile({ clientSecret: false }).file] });
    const r = await runAuthBot(['check', 'kiro-idc-refresh', '--json'], envFor(proxy));
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['row', 'confirmed', 'summary', 'findings']);
    expect(json).toMatchObject({ row: 'kiro-idc-refresh', confirmed: true });
    expect(json.findings[0]).toContain('client_secret');
  });

  it('exits 0 when the symptom is not there', async () => {
    proxy = await startFakeProxy({ files: [claudeFile().file] });
    const r = await runAuthBot(['check', 'token-stays-expired'], envFor(proxy));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('token-stays-expired: not confirmed');
  });

  it('exits 0 and says so for a row that cannot be checked', async () => {
    const r = await runAuthBot(['check', 'kiro-account-selection'], { CLIPROXY_MANAGEMENT_KEY: 'k' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cannot check');
  });

  it('exits 1 when the check could not run because the proxy is down', async () => {
    const r = await runAuthBot(['check', 'refresh-401', '--json'], {
      CLIPROXY_URL: 'http://127.0.0.1:9',
      CLIPROXY_MANAGEMENT_KEY: 'k',
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ confirmed: null, failed: true });
  });

  it('exits 2 for an unknown row id, listing the known ones', async () => {
    const r = await runAuthBot(['check', 'nope'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown runbook row "nope"');
    expect(r.stderr).toContain('refresh-401');
    expect((await runAuthBot(['check'], {})).code).toBe(2);
  });
});
