// Both real builds without remote-management.secret-key: the management API is off (one start per build).
import { afterAll, describe, expect, it } from 'vitest';
import { createManagementClient, type HttpManagementClient } from '../../src/cliproxy/client.js';
import { runAuthBot } from '../cli/status-helpers.js';
import { BOTH_BUILDS, beforeAllLoudly, type RealServer, startRealServer } from '../setup/real-server.js';

describe.each(BOTH_BUILDS)('the real $name server with the management API switched off', (build) => {
  let server: RealServer;
  let client: HttpManagementClient;

  beforeAllLoudly(async () => {
    server = await startRealServer({ build: build.name, managementKey: null });
    client = createManagementClient({
      baseUrl: server.url,
      managementKey: 'some-key-the-server-does-not-have',
    });
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('reports management_disabled with the refresh-404 row', async () => {
    const err = await client.listAuthFiles().catch((e) => e);
    expect(err.code).toBe('management_disabled');
    expect(err.runbook).toBe('refresh-404');
    expect(err.hint).toContain('secret-key');
    expect(await client.probe()).toMatchObject({ reachable: true, error: { code: 'management_disabled' } });
  });

  it('calls a missing refresh route management_disabled, not route_missing, when /config is off too', async () => {
    expect((await client.refreshProvider('kiro').catch((e) => e)).code).toBe('management_disabled');
  });

  it('auth-bot status says so, with the row and the hint, and exits 1', async () => {
    const r = await runAuthBot(['status'], { CLIPROXY_URL: server.url, CLIPROXY_MANAGEMENT_KEY: 'k-123456' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('switched off');
    expect(r.stderr).toContain('Runbook: refresh-404.');
  });
});
