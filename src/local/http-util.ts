// Small HTTP helpers for the stand-in: bounded body reading, JSON answers, and the Host/Origin checks
// that keep other web sites (and DNS-rebinding tricks) from driving the page's endpoints.
import type { IncomingMessage, ServerResponse } from 'node:http';

export class BodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (res.headersSent) return void res.end();
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/** The page is only for this machine: the Host must name the loopback listener itself. */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host);
}

/** A browser POST from another origin (a page on the web) carries its Origin; only ours may post. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`].includes(origin);
}

/** Parses a Web API body as Slack does: a form or JSON, `blocks` given as a JSON string in a form. */
export function parseApiArgs(raw: string, contentType: string): Record<string, unknown> | undefined {
  let args: Record<string, unknown> = {};
  if (contentType.includes('application/json')) {
    try {
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
      args = parsed as Record<string, unknown>;
    } catch {
      return undefined;
    }
  } else for (const [k, v] of new URLSearchParams(raw)) args[k] = v;
  if (typeof args.blocks === 'string') {
    try {
      args.blocks = JSON.parse(args.blocks);
    } catch {
      /* left a string: answered invalid_blocks_format */
    }
  }
  return args;
}
