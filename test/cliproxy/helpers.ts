// Shared set-up for client tests: a fake proxy and a client pointed at it with short deadlines.
import { createManagementClient, type ManagementClientOptions } from '../../src/cliproxy/client.js';
import { type FakeProxy, type FakeProxyOptions, startFakeProxy } from '../fakes/fake-proxy.js';

export async function startPair(
  proxyOptions: FakeProxyOptions = {},
  clientOptions: Partial<ManagementClientOptions> = {},
) {
  const proxy: FakeProxy = await startFakeProxy(proxyOptions);
  const client = createManagementClient({
    baseUrl: proxy.url,
    managementKey: proxy.state.managementKey ?? 'some-key',
    timeoutMs: 1500,
    retryDelayMs: 20,
    ...clientOptions,
  });
  return {
    proxy,
    client,
    close: async () => {
      await client.close();
      await proxy.close();
    },
  };
}

/** Resolves to the AppError a promise rejects with (fails the test if it resolves). */
export async function errorOf(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; runbook?: string; hint?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string; runbook?: string; hint?: string };
  }
  throw new Error('expected the call to fail');
}
