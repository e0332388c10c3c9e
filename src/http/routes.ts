// /healthz, /readyz and /metrics. Served by Bolt's HTTPReceiver (customRoutes) in HTTP mode and by a
// small node:http server in Socket Mode; the handlers are the same.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import { createReadiness, type ReadinessProbe } from './readiness.js';

export type { ReadinessProbe } from './readiness.js';

export interface Route {
  path: string;
  method: 'GET';
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Answers once; a client that already hung up (or an answer already sent) is not an error. */
function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function buildRoutes(deps: {
  metrics: Metrics;
  probes: ReadinessProbe[];
  logger?: Logger | undefined;
  /** How long a /readyz answer is reused (default 5 s). */
  readyCacheMs?: number;
}): Route[] {
  const readiness = createReadiness(deps.probes, {
    logger: deps.logger,
    ...(deps.readyCacheMs !== undefined ? { cacheMs: deps.readyCacheMs } : {}),
  });
  return [
    { path: '/healthz', method: 'GET', handler: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      path: '/readyz',
      method: 'GET',
      handler: (_req, res) => {
        readiness().then(
          (report) => sendJson(res, report.status === 'ready' ? 200 : 503, report),
          () => sendJson(res, 503, { status: 'not ready', checks: [] }),
        );
      },
    },
    {
      path: '/metrics',
      method: 'GET',
      handler: (_req, res) => {
        void deps.metrics.registry.metrics().then(
          (text) => {
            if (res.headersSent || res.destroyed) return;
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
