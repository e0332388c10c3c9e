import { afterEach, describe, expect, it } from 'vitest';
import { claudeFile, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';
import { runAuthBot } from './status-helpers.js';

let proxy: FakeProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

const envFor = (p: FakeProxy, key = p.state.managementKey) => ({
  CLIPROXY_URL: p.url,
  CLIPROXY_MANAGEMENT_KEY: key,
});

describe('auth-bot watch --once', () => {
  it('prints the fixed JSON shape, one alert per condition, and exits 1', async () => {
    const soon = new Date(Date.now() + 10 * 60_000).toISOString();
    proxy = await startFakeProxy({
      files: [
        claudeFile({ expired: '2020-01-01T00:00:00Z' }).file,
        {
          ...kiroIdcFile({ name: 'kiro-soon.json' }).file,
          content: { ...kiroIdcFile().file.content, expires_at: soon },
        },
        {
          ...claudeFile({ name: 'claude-cool.json' }).file,
          statusMessage: 'quota exhausted',
          unavailable: true,
        },
        {
          ...claudeFile({ name: 'claude-stopped.json' }).file,
          status: 'error',
          statusMessage: 'unauthorized',
        },
      ],
    });
    const r = await runAuthBot(['watch', '--once', '--json'], envFor(proxy));
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['server', 'alerts']);
    expect(json.server).toMatchObject({ url: proxy.url, reachable: true });
    const alerts = json.alerts as Array<Record<string, unknown>>;
    for (const a of alerts) {
      expect(Object.keys(a)).toEqual([
        'credential',
        'provider',
        'condition',
        'since',
        'expires_at',
        'next_retry_after',
        'runbook',
        'action',
      ]);
    }
    const by = Object.fromEntries(alerts.map((a) => [`${a.credential}`, [a.condition, a.action]]));
    expect(by).toEqual({
      'claude-user.json': ['expired', 'refresh'],
      'kiro-soon.json': ['expiring', 'refresh'],
      'claude-cool.json': ['cooldown', 'reset-cooldown'],
      'claude-stopped.json': ['refresh-stopped', 'relogin'],
    });
    expect(r.stdout).not.toContain('refresh_token');
  });

  it('exits 0 with no alerts on a healthy proxy', async () => {
    proxy = await startFakeProxy({ files: [claudeFile().file] });
    const r = await runAuthBot(['watch', '--once', '--json'], envFor(proxy));
    expect(JSON.parse(r.stdout).alerts).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('a wrong key is one key-rejected alert, not one per credential', async () => {
    proxy = await startFakeProxy({ files: [claudeFile({ expired: '2020-01-01T00:00:00Z' }).file] });
    const r = await runAuthBot(['watch', '--once', '--json'], envFor(proxy, 'wrong-key'));
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.alerts.map((a: { condition: string }) => a.condition)).toEqual(['key-rejected']);
    expect(json.server.reachable).toBe(true);
    expect(r.stdout).not.toContain('wrong-key');
  });

  it('a dead proxy is proxy-down', async () => {
    proxy = await startFakeProxy();
    await proxy.setFault({ kind: 'down' });
    const r = await runAuthBot(['watch', '--once', '--json'], envFor(proxy));
    const json = JSON.parse(r.stdout);
    expect(json.alerts.map((a: { condition: string }) => a.condition)).toEqual(['proxy-down']);
    expect(json.server.reachable).toBe(false);
  });

  it('refuses to run without --once, and with unknown options', async () => {
    expect((await runAuthBot(['watch'], {})).code).toBe(2);
    expect((await runAuthBot(['watch', '--once', '--nope'], {})).code).toBe(2);
  });
});
