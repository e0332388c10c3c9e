// Build-specific facts the bot relies on, checked against the real servers: Kiro re-login on Plus
// (kiro-auth-url?method=aws polled through get-auth-status; an unknown state's {"status":"ok"} is never
// taken for a finished login), and the management-key behaviour of each build (bcrypt rewrite of
// secret-key at start-up; the 5-failures ban, which exempts localhost on Plus but not on upstream).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createManagementClient, type HttpManagementClient } from '../../src/cliproxy/client.js';
import type { ManagementClient } from '../../src/cliproxy/types.js';
import { executeRelogin, type LoginPrompt } from '../../src/domain/actions/relogin.js';
import { readTargetState } from '../../src/domain/actions/target.js';
import type { ActionDeps } from '../../src/domain/actions/types.js';
import { verifyAction } from '../../src/domain/actions/verify.js';
import { BOTH_BUILDS, seedTokenFiles, startRealServer, useRealServer } from '../setup/real-server.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('Kiro re-login on the real Plus server', () => {
  const realServer = useRealServer({ build: 'plus', authFiles: seedTokenFiles().files });
  let managed: HttpManagementClient | undefined;
  let client: HttpManagementClient;
  beforeEach(() => {
    const s = realServer();
    managed ??= createManagementClient({ baseUrl: s.url, managementKey: s.managementKey });
    client = managed;
  });
  afterAll(async () => {
    await managed?.close();
  });
  const deps = (c: ManagementClient): ActionDeps => ({ client: c, now: Date.now, sleep });

  it('starts kiro-auth-url?method=aws and polls get-auth-status to the server’s own answer', async () => {
    const prompts: LoginPrompt[] = [];
    const outcome = await executeRelogin(deps(client), 'kiro', {
      method: 'aws',
      pollIntervalMs: 200,
      timeoutMs: 15_000,
      onPrompt: async (p) => {
        prompts.push(p);
      },
    });
    // offline the device-code flow cannot register its OIDC client: the server says so, the bot reports it
    expect(outcome).toMatchObject({ kind: 'failed' });
    expect(outcome.summary).toContain('Failed to register client');
    expect(realServer().requestLog('/v0/management/kiro-auth-url').join('\n')).toContain('200');
    expect(realServer().requestLog('/v0/management/get-auth-status').length).toBeGreaterThan(0);
  }, 30_000);

  it('answers {"status":"ok"} for a state it never issued, which the bot does not take for a finished login', async () => {
    expect(await client.loginStatus('kiro-1700000000000000000')).toEqual({ status: 'ok' });
    // a login whose session the server lost (restart) looks exactly like that
    const lost: ManagementClient = Object.assign(Object.create(client) as ManagementClient, {
      startLogin: async () => ({ url: undefined, state: 'kiro-1700000000000000001' }),
    });
    const before = await readTargetState(client, { provider: 'kiro', credential: undefined });
    const outcome = await executeRelogin(deps(lost), 'kiro', {
      method: 'aws',
      pollIntervalMs: 100,
      timeoutMs: 5000,
      onPrompt: async () => undefined,
    });
    expect(outcome.summary).not.toContain('completed');
    expect(outcome.summary).toContain('not taken as a finished login');
    // the verification decides, and nothing changed on the server
    const report = await verifyAction(deps(client), { provider: 'kiro', credential: undefined }, before, {
      pollIntervalMs: 200,
      timeoutMs: 1000,
      canary: { clientKey: undefined, model: undefined },
      expect: 'fresh-token',
    });
    expect(report.ok).toBe(false);
  }, 30_000);
});

describe.each(BOTH_BUILDS)('the management key on the real $name server', (build) => {
  it('is rewritten as a bcrypt hash in config.yaml at start-up, and the plaintext still works', async () => {
    const server = await startRealServer({ build: build.name, authFiles: {} });
    try {
      const config = await readFile(server.configPath, 'utf8');
      expect(config).toMatch(/secret-key: "?\$2[aby]\$\d\d\$/);
      expect(config).not.toContain(server.managementKey);
      const client = createManagementClient({ baseUrl: server.url, managementKey: server.managementKey });
      await expect(client.listAuthFiles()).resolves.toEqual([]);
      await client.close();
    } finally {
      await server.close();
    }
  });

  it(`after 5 wrong keys from localhost: ${build.name === 'plus' ? 'no ban (localhost is exempt)' : 'banned, even on localhost'}`, async () => {
    const server = await startRealServer({ build: build.name, authFiles: {} });
    try {
      const call = (key: string) =>
        fetch(`${server.url}/v0/management/auth-files`, { headers: { authorization: `Bearer ${key}` } });
      for (let i = 0; i < 5; i++) expect((await call(`wrong-key-${i}`)).status).toBe(401);
      const good = await call(server.managementKey as string);
      if (build.name === 'plus') {
        expect(good.status).toBe(200);
      } else {
        expect(good.status).toBe(403);
        expect(await good.text()).toContain('IP banned');
        // the bot names the row for it
        const client = createManagementClient({ baseUrl: server.url, managementKey: server.managementKey });
        expect(await client.listAuthFiles().catch((e) => e)).toMatchObject({
          code: 'ip_banned',
          runbook: 'mgmt-ip-banned',
        });
        await client.close();
      }
    } finally {
      await server.close();
    }
  });
});
