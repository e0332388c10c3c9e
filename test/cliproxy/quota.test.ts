// The management client's reset-quota calls over the fake proxy: the side-effect-free probe, the reset,
// and refusals that never reach the network.
import { afterEach, describe, expect, it } from 'vitest';
import { createManagementClient, type HttpManagementClient } from '../../src/cliproxy/client.js';
import { AppError } from '../../src/errors.js';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';

let proxy: FakeProxy;
let client: HttpManagementClient;
afterEach(async () => {
  await client?.close();
  await proxy?.close();
});

async function start(resetRoute: boolean) {
  const file = {
    ...kiroIdcFile({ name: 'kiro-a.json' }).file,
    statusMessage: 'quota exhausted',
    unavailable: true,
    nextRetryAfter: '2030-01-01T00:00:00Z',
    updatedAt: '2029-12-31T18:00:00Z',
    models: ['m1', 'm2'],
  };
  proxy = await startFakeProxy({ files: [file], routes: { resetQuota: resetRoute } });
  client = createManagementClient({ baseUrl: proxy.url, managementKey: DEFAULT_MANAGEMENT_KEY, retries: 0 });
}

describe('reset-quota through the client', () => {
  it('reads next_retry_after, updated_at, size and auth_index from the list', async () => {
    await start(true);
    const [f] = await client.listAuthFiles();
    expect(f).toMatchObject({
      authIndex: 'idx000000',
      unavailable: true,
      statusMessage: 'quota exhausted',
      nextRetryAfter: '2030-01-01T00:00:00Z',
      updatedAt: '2029-12-31T18:00:00Z',
    });
    expect(f?.size).toBeGreaterThan(0);
  });

  it('probes with {} and changes nothing: true where the route exists', async () => {
    await start(true);
    expect(await client.hasResetQuota()).toBe(true);
    expect(proxy.callsTo('/v0/management/reset-quota', 'POST').map((c) => [c.body, c.status])).toEqual([
      ['{}', 400],
    ]);
    expect(proxy.state.files.get('kiro-a.json')?.unavailable).toBe(true);
  });

  it('probes false on a build without the route (bare 404 while the management API answers)', async () => {
    await start(false);
    expect(await client.hasResetQuota()).toBe(false);
    await expect(client.resetQuota('idx000000')).rejects.toMatchObject({ code: 'route_missing' });
  });

  it('resets by auth_index and names the models cleared', async () => {
    await start(true);
    expect(await client.resetQuota('idx000000')).toEqual({ authIndex: 'idx000000', models: ['m1', 'm2'] });
    expect(proxy.state.files.get('kiro-a.json')?.unavailable).toBe(false);
  });

  it.each(['', '   ', 'a\nb', 'x'.repeat(200), 'idx 0'])(
    'refuses auth_index %j without calling the proxy',
    async (bad) => {
      await start(true);
      const err = await client.resetQuota(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('bad_usage');
      expect(proxy.callsTo('/v0/management/reset-quota')).toHaveLength(0);
    },
  );

  it('reports an unexpected answer as bad_response', async () => {
    await start(true);
    await proxy.setFault({ kind: 'non-json', scope: /reset-quota/ });
    await expect(client.resetQuota('idx000000')).rejects.toMatchObject({ code: 'bad_response' });
  });
});
