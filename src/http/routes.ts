// /healthz, /readyz and /metrics. Served by Bolt's HTTPReceiver (customRoutes) in HTTP mode and by a
// small node:http server in Socket Mode; the handlers are the same.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics.js';

export interface ReadinessProbe {
  name: string; // "store", "proxy"
  check(): Promise<void>; // throws with a human-readable message when not ready
}

export interface Route {
  path: string;
  method: 'GET';
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const PROBE_TIMEOUT_MS = 3000;

async function runProbe(probe: ReadinessProbe): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe.check(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
          PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return { name: probe.name, ok: true };
  } catch (err) {
    return { name: probe.name, ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

export function buildRoutes(deps: { metrics: Metrics; probes: ReadinessProbe[] }): Route[] {
  return [
    { path: '/healthz', method: 'GET', handler: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      path: '/readyz',
      method: 'GET',
      handler: (_req, res) => {
        void Promise.all(deps.probes.map(runProbe)).then((results) => {
          const ready = results.every((r) => r.ok);
          sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks: results });
        });
      },
    },
    {
      path: '/metrics',
      method: 'GET',
      handler: (_req, res) => {
        void deps.metrics.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
            res.end(text);
          },
          () => sendJson(res, 500, { error: 'metrics unavailable' }),
        );
      },
    },
  ];
}

/** The path of a request target, without query or fragment; never throws, whatever the client sent. */
export function pathOf(target: string | undefined): string {
  const raw = target ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

/**
 * A request listener over the same routes, for Socket Mode where Bolt serves no HTTP of its own. Matches
 * the raw path (no URL parsing, so `GET //` or `GET http://[` is a plain 404) and answers 500 if a handler
 * throws: no request can take the process down.
 */
export function routesListener(routes: Route[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const path = pathOf(req.url);
      const route = routes.find((r) => r.path === path && r.method === req.method);
      if (route) route.handler(req, res);
      else sendJson(res, 404, { error: 'not found' });
    } catch {
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    }
  };
}
