import { afterEach, describe, expect, it } from 'vitest';
import { errorOf, startPair } from './helpers.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('management client: faults', () => {
  it('gives unreachable (not a crash) when the port is closed, after two retries', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    await proxy.setFault({ kind: 'down' });
    const err = await errorOf(client.listAuthFiles());
    expect(err.code).toBe('unreachable');
    expect(err.message).toContain('connection refused');
    expect(err.hint).toContain('CLIPROXY_URL');
    expect((await client.probe()).reachable).toBe(false);
    await proxy.setFault({ kind: 'none' });
    await expect(client.listAuthFiles()).resolves.toEqual([]);
  });

  it('gives timeout within the deadline when the proxy hangs', async () => {
    const { proxy, client, close } = await startPair({}, { timeoutMs: 400 });
    cleanup = close;
    await proxy.setFault({ kind: 'hang' });
    const started = Date.now();
    const err = await errorOf(client.listAuthFiles());
    expect(err.code).toBe('timeout');
    expect(err.message).toContain('did not answer within 0.4 s');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(proxy.calls).toHaveLength(1);
  });

  it('retries a GET through 5xx and succeeds', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    await proxy.setFault({ kind: 'status', status: 502, times: 2 });
    await expect(client.listAuthFiles()).resolves.toEqual([]);
    expect(proxy.callsTo('/v0/management/auth-files')).toHaveLength(3);
  });

  it('retries a GET at most twice, then reports the server error', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    await proxy.setFault({ kind: 'status', status: 500, times: 100 });
    const err = await errorOf(client.listAuthFiles());
    expect(err.code).toBe('server_error');
    expect(proxy.calls).toHaveLength(3);
  });

  it('never retries a mutation', async () => {
    const { proxy, client, close } = await startPair({ files: [] });
    cleanup = close;
    await proxy.setFault({ kind: 'status', status: 500, times: 100 });
    expect((await errorOf(client.putConfigYaml('a: 1\n'))).code).toBe('server_error');
    expect(proxy.calls).toHaveLength(1);
  });

  it('retries a dropped connection and then succeeds', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    await proxy.setFault({ kind: 'drop', times: 1 });
    await expect(client.getConfig()).resolves.toBeTypeOf('object');
    expect(proxy.calls).toHaveLength(2);
  });

  it('gives unreachable when every attempt is dropped', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    await proxy.setFault({ kind: 'drop' });
    const err = await errorOf(client.getConfig());
    expect(err.code).toBe('unreachable');
    expect(proxy.calls).toHaveLength(3);
  });

  it('gives bad_response for a body that is not JSON', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    await proxy.setFault({ kind: 'non-json' });
    const err = await errorOf(client.listAuthFiles());
    expect(err.code).toBe('bad_response');
    expect(err.message).toContain('not JSON');
  });

  it('gives bad_response for JSON of the wrong shape', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    await proxy.setFault({ kind: 'wrong-shape' });
    const err = await errorOf(client.listAuthFiles());
    expect(err.code).toBe('bad_response');
    expect(err.message).toContain('unexpected JSON shape');
  });
});
