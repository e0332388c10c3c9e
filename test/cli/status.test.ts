import { afterEach, describe, expect, it } from 'vitest';
import { claudeFile, type FakeProxy, iflowFile, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';
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

describe('auth-bot status', () => {
  it('prints the fixed JSON shape and exits 0 when healthy', async () => {
    proxy = await startFakeProxy({ files: [claudeFile().file] });
    const r = await runAuthBot(['status', '--json'], envFor(proxy));
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['server', 'credentials']);
    expect(json.server).toEqual({ url: proxy.url, reachable: true, version: 'v7.2.140' });
    expect(Object.keys(json.credentials[0])).toEqual([
      'name',
      'provider',
      'status',
      'disabled',
      'expires_at',
      'last_refresh',
      'has_refresh_token',
      'problems',
      'runbook',
      'auth_index',
      'status_message',
      'unavailable',
      'next_retry_after',
    ]);
    expect(json.credentials[0]).toMatchObject({
      auth_index: 'idx000000',
      status_message: null,
      unavailable: false,
      next_retry_after: null,
    });
    expect(json.credentials[0].expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it('reports seeded problems with their runbook rows and exits 1', async () => {
    proxy = await startFakeProxy({
      files: [
        kiroIdcFile({ clientSecret: false }).file,
        iflowFile({ refreshToken: false }).file,
        claudeFile({ expired: '2020-01-01T00:00:00Z' }).file,
      ],
    });
    const r = await runAuthBot(['status', '--json'], envFor(proxy));
    expect(r.code).toBe(1);
    const byName = Object.fromEntries(
      (JSON.parse(r.stdout).credentials as Array<{ name: string; runbook: string[] }>).map((c) => [
        c.name,
        c.runbook,
      ]),
    );
    expect(byName).toEqual({
      'claude-user.json': ['token-stays-expired'],
      'iflow-user.json': ['iflow-refresh-failed'],
      'kiro-idc.json': ['kiro-idc-refresh'],
    });
  });

  it('reports a cooldown, a stale cooldown (AUTHBOT_WATCH_STALE_COOLDOWN) and a suspension, each with its row', async () => {
    const base = (name: string) => claudeFile({ name }).file;
    const ahead = new Date(Date.now() + 2 * 3_600_000).toISOString();
    proxy = await startFakeProxy({
      files: [
        {
          ...base('a-cool.json'),
          statusMessage: 'quota exhausted',
          unavailable: true,
          nextRetryAfter: ahead,
        },
        {
          ...base('b-long.json'),
          statusMessage: 'quota exhausted',
          unavailable: true,
          nextRetryAfter: ahead,
          updatedAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
        },
        { ...base('c-paid.json'), status: 'error', statusMessage: 'payment_required', unavailable: true },
      ],
    });
    const r = await runAuthBot(['status', '--json'], {
      ...envFor(proxy),
      AUTHBOT_WATCH_STALE_COOLDOWN: '2h',
    });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    const [cool, long, paid] = json.credentials;
    expect(cool).toMatchObject({
      status_message: 'quota exhausted',
      unavailable: true,
      next_retry_after: ahead.replace(/\.\d+Z$/, (m: string) => (m === '.000Z' ? 'Z' : m)),
      runbook: ['model-cooldown'],
    });
    expect(cool.problems[0]).toMatch(
      /^cooldown: quota exhausted — retry after ([A-Z][a-z]{2} \d+ )?\d\d:\d\d UTC, in 2 h$/,
    );
    expect(long.problems[0]).toMatch(
      /^stale-cooldown: quota exhausted — cooling down for 3 h \(longer than 2 h\)/,
    );
    expect(paid.problems[0]).toContain('suspended: payment required');
    expect(paid.problems[0]).toContain('needs a human');
    expect(paid.runbook).toEqual(['auth-unavailable']);
  });

  it('limits the list to one provider', async () => {
    proxy = await startFakeProxy({ files: [kiroIdcFile().file, iflowFile().file] });
    const r = await runAuthBot(['status', 'kiro', '--json'], envFor(proxy));
    expect(JSON.parse(r.stdout).credentials.map((c: { name: string }) => c.name)).toEqual(['kiro-idc.json']);
  });

  it('prints a readable table without --json', async () => {
    proxy = await startFakeProxy({ files: [kiroIdcFile({ clientSecret: false }).file] });
    const r = await runAuthBot(['status'], envFor(proxy));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('reachable, build v7.2.140');
    expect(r.stdout).toContain('✗ kiro-idc.json');
    expect(r.stdout).toContain('[runbook: kiro-idc-refresh]');
  });

  it('exits 1 with message, runbook row and hint (no stack) when the key is wrong', async () => {
    proxy = await startFakeProxy({ files: [claudeFile().file] });
    const r = await runAuthBot(['status', '--json'], envFor(proxy, 'wrong'));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).server).toMatchObject({
      reachable: true,
      error: { code: 'unauthorized', runbook: 'refresh-401' },
    });
    expect(r.stderr).toContain('invalid management key');
    expect(r.stderr).toContain('Runbook: refresh-401.');
    expect(r.stderr).toContain('CLIPROXY_MANAGEMENT_KEY');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(proxy.calls).toHaveLength(1);
  });

  it('exits 2 naming CLIPROXY_MANAGEMENT_KEY when it is not set, without calling the proxy', async () => {
    proxy = await startFakeProxy();
    const r = await runAuthBot(['status'], { CLIPROXY_URL: proxy.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CLIPROXY_MANAGEMENT_KEY is not set');
    expect(proxy.calls).toHaveLength(0);
  });

  it('exits 1 with a clear message when the proxy is down', async () => {
    proxy = await startFakeProxy();
    await proxy.setFault({ kind: 'down' });
    const r = await runAuthBot(['status', '--json'], envFor(proxy));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).server).toMatchObject({ reachable: false, error: { code: 'unreachable' } });
    expect(r.stderr).toContain('unreachable');
  });

  it.each<[string, Parameters<FakeProxy['setFault']>[0], string]>([
    ['hanging', { kind: 'hang' }, 'did not answer'],
    ['non-JSON', { kind: 'non-json' }, 'not JSON'],
    ['wrong-shape', { kind: 'wrong-shape' }, 'unexpected JSON shape'],
    ['banned', { kind: 'banned' }, 'Runbook: mgmt-ip-banned.'],
    ['dropping', { kind: 'drop' }, 'unreachable'],
  ])(
    'survives a %s proxy with a clear message',
    async (_name, fault, words) => {
      proxy = await startFakeProxy();
      await proxy.setFault(fault);
      const r = await runAuthBot(['status'], { ...envFor(proxy) });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(words);
    },
    15_000,
  );

  it('exits 2 on bad usage and bad config', async () => {
    expect((await runAuthBot(['status', '--nope'], {})).code).toBe(2);
    expect((await runAuthBot(['status', '../etc'], {})).code).toBe(2);
    const bad = await runAuthBot(['status'], { CLIPROXY_URL: 'not a url' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CLIPROXY_URL');
  });
});
