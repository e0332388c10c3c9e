import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_KEY } from '../fakes/fake-proxy.js';
import { startPair } from './helpers.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('canary', () => {
  it('is skipped with a note naming the missing settings, without a network call', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    const r = await client.canary(undefined, undefined);
    expect(r).toMatchObject({ ok: false, status: undefined });
    expect(r.skipped).toContain('CLIPROXY_CLIENT_KEY and CLIPROXY_CANARY_MODEL');
    expect((await client.canary(DEFAULT_CLIENT_KEY, undefined)).skipped).toContain('CLIPROXY_CANARY_MODEL');
    expect(proxy.calls).toHaveLength(0);
  });

  it('reports success with its latency', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    proxy.state.canary = { status: 200, body: { choices: [] }, delayMs: 30 };
    const r = await client.canary(DEFAULT_CLIENT_KEY, 'm1');
    expect(r).toMatchObject({ ok: true, status: 200 });
    expect(r.latencyMs).toBeGreaterThanOrEqual(25);
    expect(JSON.parse(proxy.calls[0]?.body ?? '')).toEqual({
      model: 'm1',
      messages: [{ role: 'user', content: 'ping' }],
      stream: false,
    });
  });

  const cases: Array<[string, number, unknown, string, string | undefined]> = [
    [
      '503 auth_unavailable',
      503,
      {
        error: {
          message: 'auth_unavailable: no auth available (providers=kiro, model=m1)',
          type: 'server_error',
          code: 'auth_unavailable',
        },
      },
      'auth_unavailable',
      'auth-unavailable',
    ],
    [
      '429 model_cooldown',
      429,
      {
        error: {
          code: 'model_cooldown',
          message: 'All credentials for model m1 are cooling down via provider kiro',
          reset_seconds: 30,
        },
      },
      'model_cooldown',
      'model-cooldown',
    ],
    [
      '502 unknown provider',
      502,
      { error: { message: 'unknown provider for model m1', type: 'server_error', code: '' } },
      'unknown_provider',
      undefined,
    ],
    [
      '400 model_not_found (v7)',
      400,
      {
        error: {
          message: 'unknown provider for model m1',
          type: 'invalid_request_error',
          code: 'model_not_found',
        },
      },
      'unknown_provider',
      undefined,
    ],
    ['a provider body passed through', 500, 'upstream exploded', 'other', undefined],
  ];
  it.each(cases)('classifies %s', async (_name, status, body, failure, runbook) => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    proxy.state.canary = { status, body };
    const r = await client.canary(DEFAULT_CLIENT_KEY, 'm1');
    expect(r).toMatchObject({ ok: false, status, failure });
    expect(r.runbook).toBe(runbook);
    expect(r.message).toBeTruthy();
  });

  it('classifies a wrong client key as invalid_api_key (repeated-401) without echoing the key', async () => {
    const { client, close } = await startPair();
    cleanup = close;
    const r = await client.canary('wrong-client-key-987', 'm1');
    expect(r).toMatchObject({ ok: false, status: 401, failure: 'invalid_api_key', runbook: 'repeated-401' });
    expect(r.message).toContain('CLIPROXY_CLIENT_KEY');
    expect(JSON.stringify(r)).not.toContain('wrong-client-key-987');
  });

  it('reports an unreachable proxy as a failure, not a crash', async () => {
    const { proxy, client, close } = await startPair();
    cleanup = close;
    await proxy.setFault({ kind: 'down' });
    expect(await client.canary(DEFAULT_CLIENT_KEY, 'm1')).toMatchObject({
      ok: false,
      failure: 'unreachable',
    });
  });
});
