import { afterEach, describe, expect, it } from 'vitest';
import { createManagementClient, type HttpManagementClient } from '../../../src/cliproxy/client.js';
import { CHECKS, runCheck } from '../../../src/domain/checks/index.js';
import {
  claudeFile,
  DEFAULT_CLIENT_KEY,
  type FakeProxy,
  type FakeProxyOptions,
  iflowFile,
  kiroIdcFile,
  startFakeProxy,
} from '../../fakes/fake-proxy.js';
import { RUNBOOK_ROW_IDS } from '../../fixtures/runbook-ids.js';

const ROWS = RUNBOOK_ROW_IDS;

let proxy: FakeProxy | undefined;
let client: HttpManagementClient | undefined;
afterEach(async () => {
  await client?.close();
  await proxy?.close();
  proxy = undefined;
  client = undefined;
});

async function setup(options: FakeProxyOptions = {}, key?: string) {
  proxy = await startFakeProxy(options);
  client = createManagementClient({
    baseUrl: proxy.url,
    managementKey: key ?? proxy.state.managementKey,
    timeoutMs: 1000,
    retryDelayMs: 10,
  });
  return {
    proxy,
    deps: { proxy: client, now: Date.now, clientKey: DEFAULT_CLIENT_KEY, canaryModel: 'm1' },
  };
}

const past = '2020-01-01T00:00:00Z';

describe('runbook checks', () => {
  it('has a check for every runbook row id', () => {
    expect(Object.keys(CHECKS).sort()).toEqual([...ROWS].sort());
  });

  it('refuses an unknown row id', async () => {
    const { deps } = await setup();
    await expect(runCheck('no-such-row', deps)).rejects.toMatchObject({ code: 'bad_usage' });
  });

  it('says kiro-account-selection cannot be checked automatically, without calling the proxy', async () => {
    const { deps, proxy } = await setup();
    const r = await runCheck('kiro-account-selection', deps);
    expect(r.confirmed).toBeNull();
    expect(r.failed).toBeUndefined();
    expect(r.summary).toMatch(/Cannot be checked automatically/);
    expect(proxy.calls).toHaveLength(0);
  });

  describe("config-change-spike against the bot's snapshots", () => {
    const HOUR = 3_600_000;
    const snap = (id: string, content: string, ageMs: number) => ({
      id,
      takenAt: Date.now() - ageMs,
      content,
    });

    it('cannot confirm without a recent snapshot, and says why', async () => {
      const { deps, proxy } = await setup();
      const r = await runCheck('config-change-spike', {
        ...deps,
        listSnapshots: async () => [snap('old', 'api-keys: [a]\n', 48 * HOUR)],
      });
      expect(r.confirmed).toBeNull();
      expect(r.failed).toBeUndefined();
      expect(r.summary).toContain('No config snapshot from the last 24 hours');
      expect(proxy.calls).toHaveLength(0);
    });

    it('confirms when the live auth/provider blocks differ from a recent snapshot, naming the blocks', async () => {
      const { deps, proxy } = await setup();
      const live = proxy.state.configYaml;
      const before = `${live}\nclaude-api-key:\n  - api-key: sk-ant-before-1234\n`;
      const r = await runCheck('config-change-spike', {
        ...deps,
        listSnapshots: async () => [snap('s1', before, HOUR)],
      });
      expect(r.confirmed).toBe(true);
      expect(r.findings.join(' ')).toContain('claude-api-key');
      expect(JSON.stringify(r)).not.toContain('sk-ant-before-1234');
    });

    it('does not confirm when every recent snapshot has the same auth/provider blocks', async () => {
      const { deps, proxy } = await setup();
      const r = await runCheck('config-change-spike', {
        ...deps,
        listSnapshots: async () => [
          snap('s1', proxy.state.configYaml, HOUR),
          snap('s2', proxy.state.configYaml, 2 * HOUR),
        ],
      });
      expect(r.confirmed).toBe(false);
    });
  });

  it('marks a check that could not run because the proxy is down as failed', async () => {
    const { deps, proxy } = await setup();
    await proxy.setFault({ kind: 'down' });
    const r = await runCheck('refresh-401', deps);
    expect(r.confirmed).toBeNull();
    expect(r.failed).toBe(true);
  });

  const cases: Array<
    [string, FakeProxyOptions, ((p: FakeProxy) => void) | undefined, string | undefined, boolean | null]
  > = [
    ['refresh-401', {}, undefined, 'wrong-key', true],
    ['refresh-401', {}, undefined, undefined, false],
    ['refresh-404', { managementKey: null }, undefined, 'k', true],
    ['refresh-404', {}, undefined, undefined, false],
    [
      'mgmt-ip-banned',
      {},
      (p) => {
        p.state.bannedUntil = Date.now() + 60_000;
      },
      undefined,
      true,
    ],
    ['mgmt-ip-banned', {}, undefined, undefined, false],
    [
      'mgmt-remote-disabled',
      {},
      (p) => {
        p.state.remoteDisabled = true;
      },
      undefined,
      true,
    ],
    ['mgmt-remote-disabled', {}, undefined, undefined, false],
    ['token-stays-expired', { files: [claudeFile({ expired: past }).file] }, undefined, undefined, true],
    ['token-stays-expired', { files: [claudeFile().file] }, undefined, undefined, false],
    [
      'iflow-refresh-failed',
      { files: [iflowFile({ refreshToken: false }).file] },
      undefined,
      undefined,
      true,
    ],
    [
      'iflow-refresh-failed',
      { files: [iflowFile().file, claudeFile({ expired: past }).file] },
      undefined,
      undefined,
      false,
    ],
    ['kiro-idc-refresh', { files: [kiroIdcFile({ clientSecret: false }).file] }, undefined, undefined, true],
    ['kiro-idc-refresh', { files: [kiroIdcFile().file] }, undefined, undefined, false],
    [
      'refresh-stopped-unauthorized',
      { files: [claudeFile({ status: 'error', statusMessage: 'unauthorized' }).file] },
      undefined,
      undefined,
      true,
    ],
    [
      'refresh-stopped-unauthorized',
      { files: [claudeFile({ status: 'error', statusMessage: 'quota exhausted' }).file] },
      undefined,
      undefined,
      false,
    ],
    [
      'auth-unavailable',
      {},
      (p) => {
        p.state.canary = {
          status: 503,
          body: { error: { code: 'auth_unavailable', message: 'auth_unavailable: no auth available' } },
        };
      },
      undefined,
      true,
    ],
    ['auth-unavailable', {}, undefined, undefined, false],
    [
      'model-cooldown',
      {},
      (p) => {
        p.state.canary = {
          status: 429,
          body: {
            error: { code: 'model_cooldown', message: 'All credentials for model m1 are cooling down' },
          },
        };
      },
      undefined,
      true,
    ],
    ['model-cooldown', {}, undefined, undefined, false],
    [
      'repeated-401',
      {},
      (p) => {
        p.state.clientKeys = ['other-key'];
      },
      undefined,
      true,
    ],
    ['repeated-401', { files: [claudeFile().file] }, undefined, undefined, false],
  ];
  it.each(cases)(
    '%s (case %#) confirms the symptom only when it is there',
    async (row, options, arrange, key, expected) => {
      const { deps, proxy } = await setup(options, key);
      arrange?.(proxy);
      const r = await runCheck(row, deps);
      expect(r.row).toBe(row);
      expect(r.confirmed, `${r.summary}\n${r.findings.join('\n')}`).toBe(expected);
      expect(r.summary).toBeTruthy();
    },
  );

  it('detects a status that lags behind the token file (stale-status)', async () => {
    const kiro = kiroIdcFile();
    kiro.file.lastRefresh = '2026-01-01T00:00:00Z';
    kiro.file.content.last_refresh = new Date(Date.now() - 60_000).toISOString();
    const { deps } = await setup({ files: [kiro.file] });
    const r = await runCheck('stale-status', deps);
    expect(r.confirmed).toBe(true);
    expect(r.findings[0]).toContain('kiro-idc.json');
  });

  it('does not confirm stale-status when list and file agree', async () => {
    const kiro = kiroIdcFile();
    kiro.file.lastRefresh = kiro.file.content.last_refresh as string;
    const { deps } = await setup({ files: [kiro.file] });
    expect((await runCheck('stale-status', deps)).confirmed).toBe(false);
  });

  it('says a canary row cannot be checked when the canary is not configured', async () => {
    const { deps } = await setup();
    const r = await runCheck('model-cooldown', { ...deps, canaryModel: undefined });
    expect(r.confirmed).toBeNull();
    expect(r.summary).toContain('CLIPROXY_CANARY_MODEL');
  });

  it('answers null with the error and its row when the proxy refuses the key', async () => {
    const { deps } = await setup({ files: [claudeFile().file] }, 'wrong');
    const r = await runCheck('token-stays-expired', deps);
    expect(r.confirmed).toBeNull();
    expect(r.findings.join(' ')).toContain('refresh-401');
  });

  it('tells refresh-404 apart from a missing refresh route', async () => {
    const { deps } = await setup();
    const r = await runCheck('refresh-404', deps);
    expect(r.confirmed).toBe(false);
    expect(r.findings.join(' ')).toContain('no management refresh route');
  });

  it('never changes anything: every check only reads (GETs, plus the canary chat call)', async () => {
    const { deps, proxy } = await setup({
      files: [kiroIdcFile().file, iflowFile().file, claudeFile().file],
      routes: { seedRefresh: true, legacyKiroRefresh: true },
    });
    for (const row of ROWS) await runCheck(row, deps);
    const writes = proxy.calls.filter(
      (c) => c.method !== 'GET' && !(c.method === 'POST' && c.path === '/v1/chat/completions'),
    );
    expect(writes.map((c) => `${c.method} ${c.path}`)).toEqual([]);
    expect(proxy.calls.length).toBeGreaterThan(ROWS.length);
  });

  it('answers null, not a crash, when the proxy is down', async () => {
    const { deps, proxy } = await setup();
    await proxy.setFault({ kind: 'down' });
    for (const row of ['refresh-401', 'token-stays-expired', 'auth-unavailable', 'stale-status']) {
      expect((await runCheck(row, deps)).confirmed).toBeNull();
    }
  });
});
