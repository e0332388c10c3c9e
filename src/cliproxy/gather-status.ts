// Reads what `status` needs from the proxy: probe, the auth-files list, then each token file (a few at a
// time). Tokens are reduced to summaries inside the client; nothing secret reaches the report.

import { buildStatusReport, type StatusReport, type TokenUnreadable } from '../domain/status.js';
import { AppError } from '../errors.js';
import type { AuthFile, ManagementClient, TokenSummary } from './types.js';

export interface GatherOptions {
  provider?: string | undefined;
  now: () => number;
  concurrency?: number;
  /** A cooldown longer than this is stale (AUTHBOT_WATCH_STALE_COOLDOWN; default 6 h). */
  staleCooldownMs?: number | undefined;
}

export async function gatherStatus(proxy: ManagementClient, options: GatherOptions): Promise<StatusReport> {
  // both reads at once: against a slow proxy, status costs two round trips instead of three
  const [server, listed] = await Promise.all([
    proxy.probe(),
    proxy.listAuthFiles().then(
      (files) => ({ files }),
      (err: unknown) => ({ error: errorOf(err) }),
    ),
  ]);
  if (server.error) return { server, credentials: [] };
  if ('error' in listed) return { server: { ...server, error: listed.error }, credentials: [] };
  let files: AuthFile[] = listed.files;
  if (options.provider)
    files = files.filter((f) => f.provider === options.provider || f.type === options.provider);
  const tokens = await readTokens(proxy, files, options.concurrency ?? 6);
  return buildStatusReport(
    { ...server, version: proxy.serverVersion ?? server.version },
    files,
    tokens,
    options.now(),
    options.staleCooldownMs !== undefined ? { staleCooldownMs: options.staleCooldownMs } : {},
  );
}

async function readTokens(
  proxy: ManagementClient,
  files: AuthFile[],
  concurrency: number,
): Promise<Map<string, TokenSummary | TokenUnreadable>> {
  const out = new Map<string, TokenSummary | TokenUnreadable>();
  const queue = files.filter((f) => !f.runtimeOnly);
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      try {
        out.set(f.name, await proxy.readToken(f.name));
      } catch (err) {
        const e = errorOf(err);
        out.set(f.name, { error: `token file unreadable (${e.code}): ${e.message}` });
        // a latched key or a dead proxy fails every other read the same way: stop early
        if (['unauthorized', 'unreachable', 'timeout', 'ip_banned', 'management_disabled'].includes(e.code)) {
          for (const rest of queue.splice(0))
            out.set(rest.name, { error: `token file not read (${e.code})` });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return out;
}

function errorOf(err: unknown): {
  code: string;
  message: string;
  runbook: string | undefined;
  hint?: string | undefined;
} {
  if (err instanceof AppError)
    return { code: err.code, message: err.message, runbook: err.runbook, hint: err.hint };
  return { code: 'internal', message: 'Unexpected error while reading the proxy.', runbook: undefined };
}
