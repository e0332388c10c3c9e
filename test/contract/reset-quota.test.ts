// POST /v0/management/reset-quota against the real CLIProxyAPI server (v7.2.140, built by
// scripts/install-cliproxyapi.sh). This file asserts the real server's answers for a HEALTHY credential
// (the probe, a reset that has nothing to clear, an unknown auth_index) and what the bot's client makes
// of them; cooldown-real.test.ts makes a real cooldown and resets it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagementClient, type HttpManagementClient } from '../../src/cliproxy/client.js';
import { AppError } from '../../src/errors.js';
import { type RealServer, seedTokenFiles, startRealServer } from '../setup/real-server.js';

let server: RealServer;
let client: HttpManagementClient;

beforeAll(async () => {
  server = await startRealServer({ authFiles: seedTokenFiles().files });
  client = createManagementClient({ baseUrl: server.url, managementKey: server.managementKey, retries: 0 });
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

const post = (body: string) =>
  fetch(`${server.url}/v0/management/reset-quota`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.managementKey}`, 'content-type': 'application/json' },
    body,
  });

describe('reset-quota on the real server', () => {
  it('answers {} with 400 "auth_index is required": the side-effect-free probe finds the route', async () => {
    const res = await post('{}');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'auth_index is required' });
    const before = await client.listAuthFiles();
    expect(await client.hasResetQuota()).toBe(true);
    const after = await client.listAuthFiles();
    expect(after.map((f) => [f.name, f.status, f.unavailable, f.nextRetryAfter])).toEqual(
      before.map((f) => [f.name, f.status, f.unavailable, f.nextRetryAfter]),
    );
  });

  it('lists auth_index, status, status_message, unavailable, modtime and size for every credential', async () => {
    const files = await client.listAuthFiles();
    expect(files.length).toBe(3);
    for (const f of files) {
      expect(f.authIndex).toMatch(/^\S+$/);
      expect(typeof f.status).toBe('string');
      expect(typeof f.unavailable).toBe('boolean');
      expect(f.size).toBeGreaterThan(0);
      expect(f.modtime).toMatch(/Z$/);
    }
  });

  it('resets a healthy credential: 200 with its auth_index, the models list and status ok; it stays usable', async () => {
    const kiro = (await client.listAuthFiles()).find((f) => f.name === 'kiro-idc.json');
    expect(kiro?.authIndex).toBeDefined();
    const raw = await post(JSON.stringify({ auth_index: kiro?.authIndex }));
    expect(raw.status).toBe(200);
    const body = (await raw.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', auth_index: kiro?.authIndex });
    expect(Array.isArray(body.models)).toBe(true);

    const reset = await client.resetQuota(kiro?.authIndex ?? '');
    expect(reset.authIndex).toBe(kiro?.authIndex);
    expect(Array.isArray(reset.models)).toBe(true);
    const after = (await client.listAuthFiles()).find((f) => f.name === 'kiro-idc.json');
    expect(after?.unavailable).toBe(false);
    expect(after?.nextRetryAfter).toBeUndefined();
  });

  it('answers an unknown auth_index with a JSON 404, which the client reports as not_found (not a missing route)', async () => {
    const err = await client.resetQuota('no-such-index').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('not_found');
    expect((err as AppError).message).toContain('auth not found');
  });
});
