// A slow CLIProxyAPI: a tiny node:http server on 127.0.0.1 that holds every request for `delayMs`, then
// forwards it to the test fake proxy (test/fakes/fake-proxy.ts) and passes its answer back. Counts calls.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { type FakeProxy, iflowFile, kiroIdcFile, startFakeProxy } from '../test/fakes/fake-proxy.js';

export interface SlowProxy {
  url: string;
  managementKey: string;
  /** Requests received so far. */
  calls(): number;
  close(): Promise<void>;
}

export async function startSlowProxy(delayMs: number): Promise<SlowProxy> {
  const fake: FakeProxy = await startFakeProxy({
    files: [kiroIdcFile().file, iflowFile().file],
    routes: { seedRefresh: true },
  });
  const upstream = new Pool(fake.url, { connections: 16 });
  let calls = 0;
  const server = createServer((req, res) => {
    calls++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
        upstream
          .request({
            path: req.url ?? '/',
            method: (req.method ?? 'GET') as 'GET',
            headers,
            ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
          })
          .then(async (answer) => {
            const body = Buffer.from(await answer.body.arrayBuffer());
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(answer.headers))
              if (typeof v === 'string' && k !== 'connection' && k !== 'keep-alive') out[k] = v;
            res.writeHead(answer.statusCode, out);
            res.end(body);
          })
          .catch(() => {
            res.writeHead(502);
            res.end();
          });
      }, delayMs);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    managementKey: fake.state.managementKey ?? '',
    calls: () => calls,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
      await fake.close();
    },
  };
}
