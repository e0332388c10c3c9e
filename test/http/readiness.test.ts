// /readyz under a flood: one round of probes at a time, answers reused for a few seconds, the proxy
// probe behind every call made for a person, and nothing in the answer but which dependency failed.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createManagementClient, type HttpManagementClient } from '../../src/cliproxy/client.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createReadiness, proxyReadiness } from '../../src/http/readiness.js';
import { buildRoutes, routesListener } from '../../src/http/routes.js';

const KEY = 'readiness-test-key';
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A proxy whose GET /config takes `configMs` (a slow management API) and whose auth-file routes are quick. */
async function slowConfigProxy(configMs: number) {
  const seen: string[] = [];
  const url = await listen(
    createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      seen.push(`${req.method} ${path}`);
      const json = (body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${KEY}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"error":"invalid management key"}');
        return;
      }
      req.resume();
      if (path === '/v0/management/config') setTimeout(() => json({ debug: false }), configMs);
      else if (path === '/v0/management/auth-files') json({ files: [] });
      else if (path === '/v0/management/auth-files/status') json({ status: 'ok' });
      else {
        res.writeHead(404);
        res.end();
      }
    }),
  );
  return { url, seen };
}

async function client(url: string): Promise<HttpManagementClient> {
  const c = createManagementClient({ baseUrl: url, managementKey: KEY, timeoutMs: 20_000 });
  closers.push(() => c.close());
  return c;
}

describe('createReadiness', () => {
  it('runs one round of probes for a burst of callers and reuses the answer until it is stale', async () => {
    let clock = 1_000;
    let calls = 0;
    const ready = createReadiness(
      [
        {
          name: 'proxy',
          check: async () => {
            calls += 1;
            await new Promise((r) => setTimeout(r, 20));
          },
        },
      ],
      { cacheMs: 5000, now: () => clock },
    );
    const answers = await Promise.all(Array.from({ length: 200 }, () => ready()));
    expect(calls).toBe(1);
    expect(answers.every((a) => a.status === 'ready')).toBe(true);
    clock += 4_999;
    await ready();
    expect(calls).toBe(1);
    clock += 2;
    await ready();
    expect(calls).toBe(2);
  });

  it('names the failed dependency and nothing else', async () => {
    const ready = createReadiness([
      { name: 'store', check: async () => undefined },
      {
        name: 'proxy',
        check: async () => {
          throw new Error('The proxy at http://10.1.2.3:8317 is unreachable (ECONNREFUSED) key=abc');
        },
      },
    ]);
    expect(await ready()).toEqual({
      status: 'not ready',
      checks: [
        { name: 'store', ok: true },
        { name: 'proxy', ok: false },
      ],
    });
  });
});

describe('/readyz and an approved action sharing the management client', () => {
  it('lets an action finish promptly while 150 /readyz calls arrive at once', async () => {
    const proxy = await slowConfigProxy(400);
    const mgmt = await client(proxy.url);
    await mgmt.listAuthFiles(); // the key is verified, as on a running bot
    const routes = buildRoutes({
      metrics: createMetrics({ defaultMetrics: false }),
      probes: [proxyReadiness(mgmt, { freshMs: 0 })],
    });
    const bot = await listen(createServer(routesListener(routes)));

    const flood = Promise.all(
      Array.from({ length: 150 }, () => fetch(`${bot}/readyz`).then((r) => r.status)),
    );
    await new Promise((r) => setTimeout(r, 50)); // the probes are queued or in flight
    const started = Date.now();
    for (let i = 0; i < 4; i++) {
      await mgmt.setDisabled('claude-a.json', i % 2 === 0);
      await mgmt.listAuthFiles();
    }
    const actionMs = Date.now() - started;
    const statuses = await flood;

    expect(statuses.every((s) => s === 200)).toBe(true);
    // eight quick calls: they never waited for a 400 ms /config probe, let alone 150 of them
    expect(actionMs).toBeLessThan(1_000);
    expect(proxy.seen.filter((s) => s === 'GET /v0/management/config').length).toBeLessThanOrEqual(2);
  }, 60_000);

  it('makes no proxy call for /readyz while management calls are succeeding', async () => {
    const proxy = await slowConfigProxy(0);
    const mgmt = await client(proxy.url);
    await mgmt.listAuthFiles();
    const routes = buildRoutes({
      metrics: createMetrics({ defaultMetrics: false }),
      probes: [proxyReadiness(mgmt)],
      readyCacheMs: 0,
    });
    const bot = await listen(createServer(routesListener(routes)));
    for (let i = 0; i < 20; i++) expect((await fetch(`${bot}/readyz`)).status).toBe(200);
    expect(proxy.seen.filter((s) => s === 'GET /v0/management/config')).toHaveLength(0);
  });
});
