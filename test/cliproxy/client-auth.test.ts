import { afterEach, describe, expect, it } from 'vitest';
import { createManagementClient, MAX_IN_FLIGHT } from '../../src/cliproxy/client.js';
import { errorOf, startPair } from './helpers.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('management client: keys, 401 latch and 403s', () => {
  it('sends the key as a bearer header and captures the server build', async () => {
    const { proxy, client, close } = await startPair({ version: 'v6.9.3-0' });
    cleanup = close;
    expect(client.serverVersion).toBeUndefined();
    const info = await client.probe();
    expect(info).toMatchObject({ reachable: true, version: 'v6.9.3-0' });
    expect(info.error).toBeUndefined();
    expect(client.serverVersion).toBe('v6.9.3-0');
    expect(proxy.calls[0]).toMatchObject({ path: '/v0/management/config', auth: 'bearer', status: 200 });
  });

  it('copes with "dev" as a version', async () => {
    const { client, close } = await startPair({ version: 'dev' });
    cleanup = close;
    await client.listAuthFiles();
    expect(client.serverVersion).toBe('dev');
  });

  it('fails with unauthorized and makes no network call when the key is not set', async () => {
    const { proxy, close } = await startPair();
    cleanup = close;
    const client = createManagementClient({ baseUrl: proxy.url, managementKey: undefined });
    const err = await errorOf(client.listAuthFiles());
    expect(err).toMatchObject({ code: 'unauthorized', runbook: 'refresh-401' });
    expect(err.message).toContain('CLIPROXY_MANAGEMENT_KEY is not set');
    expect(err.hint).toContain('CLIPROXY_MANAGEMENT_KEY');
    expect(await client.probe()).toMatchObject({ reachable: false, error: { code: 'unauthorized' } });
    expect(proxy.calls).toHaveLength(0);
    await client.close();
  });

  it('reports a wrong key once, then stops calling the management API (no IP ban possible)', async () => {
    const { proxy, client, close } = await startPair({}, { managementKey: 'wrong-key-value-123' });
    cleanup = close;
    const first = await errorOf(client.listAuthFiles());
    expect(first).toMatchObject({ code: 'unauthorized', runbook: 'refresh-401' });
    expect(first.message).toContain('invalid management key');
    expect(first.message).not.toContain('wrong-key-value-123');
    expect(first.hint).toContain('CLIPROXY_MANAGEMENT_KEY');
    for (let i = 0; i < 10; i++) {
      expect(await errorOf(client.getConfig())).toMatchObject({ code: 'unauthorized' });
    }
    const probe = await client.probe();
    expect(probe).toMatchObject({ reachable: true, error: { code: 'unauthorized', runbook: 'refresh-401' } });
    expect(proxy.calls).toHaveLength(1);
    expect(proxy.state.bannedUntil).toBeUndefined();
    expect(client.isLatched).toBe(true);
  });

  it('lets parallel first calls through one at a time, so a wrong key costs one failed attempt', async () => {
    const { proxy, client, close } = await startPair({}, { managementKey: 'wrong' });
    cleanup = close;
    const names = Array.from({ length: 12 }, (_, i) => `f${i}.json`);
    const errors = await Promise.all(names.map((n) => errorOf(client.readToken(n))));
    expect(errors.every((e) => e.code === 'unauthorized')).toBe(true);
    expect(proxy.calls).toHaveLength(1);
    expect(proxy.state.failedAuth).toBe(1);
  });

  it('keeps a key rotated on the proxy from costing more than MAX_IN_FLIGHT failed attempts', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    await client.getConfig(); // the key is verified: calls may now run in parallel
    proxy.state.managementKey = 'rotated-on-the-proxy';
    const names = Array.from({ length: 20 }, (_, i) => `f${i}.json`);
    const errors = await Promise.all(names.map((n) => errorOf(client.readToken(n))));
    expect(errors.every((e) => e.code === 'unauthorized')).toBe(true);
    expect(proxy.state.failedAuth).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(proxy.state.failedAuth).toBeLessThan(5);
    expect(proxy.state.bannedUntil).toBeUndefined();
  });

  it('says "missing" when the server got no key', async () => {
    const { client, close } = await startPair({}, { managementKey: 'k' });
    cleanup = close;
    // a key of only spaces is trimmed away by the server: emulate with a bearer of spaces
    client.setManagementKey(' ');
    const err = await errorOf(client.getConfig());
    expect(err.code).toBe('unauthorized');
    expect(err.message).toContain('missing management key');
  });

  it('a new key clears the latch', async () => {
    const { proxy, client, close } = await startPair({}, { managementKey: 'wrong' });
    cleanup = close;
    await errorOf(client.getConfig());
    client.setManagementKey(proxy.state.managementKey);
    await expect(client.getConfig()).resolves.toBeTypeOf('object');
    expect(proxy.calls).toHaveLength(2);
  });

  it('never retries a 403 IP ban and names its runbook row', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    await proxy.setFault({ kind: 'banned' });
    const err = await errorOf(client.listAuthFiles());
    expect(err).toMatchObject({ code: 'ip_banned', runbook: 'mgmt-ip-banned' });
    expect(err.message).toContain('Try again in');
    expect(proxy.calls).toHaveLength(1);
  });

  it('reaches the ban only through repeated wrong keys from fresh clients, and reports it', async () => {
    const { proxy, close } = await startPair();
    cleanup = close;
    for (let i = 0; i < 5; i++) {
      const c = createManagementClient({ baseUrl: proxy.url, managementKey: 'wrong' });
      await errorOf(c.getConfig());
      await c.close();
    }
    const good = createManagementClient({ baseUrl: proxy.url, managementKey: proxy.state.managementKey });
    expect(await errorOf(good.getConfig())).toMatchObject({ code: 'ip_banned' });
    await good.close();
  });

  it('maps 403 remote management disabled to its row', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    proxy.state.remoteDisabled = true;
    const err = await errorOf(client.getConfig());
    expect(err).toMatchObject({ code: 'remote_disabled', runbook: 'mgmt-remote-disabled' });
    expect(proxy.calls).toHaveLength(1);
    expect((await client.probe()).reachable).toBe(true);
  });
});
