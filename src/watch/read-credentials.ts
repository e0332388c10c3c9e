// One watch read of the proxy: the auth-files list once, and a token file only when it changed on disk
// (modtime/size) or its known expiry is near. The cost of a poll grows with what changed, not with the
// number of credentials. Only expiry facts are kept; tokens are reduced inside the client.
import type { AuthFile, ManagementClient } from '../cliproxy/types.js';
import type { WatchedCredential } from '../domain/watch/conditions.js';
import { AppError } from '../errors.js';

/** What the watch remembers of one token file between polls (never a token). */
export interface ExpiryFacts {
  modtime: string | null;
  size: number | null;
  expiresAt: string | null;
}

/** Where those facts live between polls: the store (shared by replicas), or memory for one-off polls. */
export interface ExpiryCache {
  load(): Promise<Map<string, ExpiryFacts>>;
  save(changed: Map<string, ExpiryFacts>, gone: string[]): Promise<void>;
}

export function memoryExpiryCache(): ExpiryCache {
  const facts = new Map<string, ExpiryFacts>();
  return {
    load: async () => new Map(facts),
    save: async (changed, gone) => {
      for (const [k, v] of changed) facts.set(k, v);
      for (const k of gone) facts.delete(k);
    },
  };
}

export type CredentialRead =
  | {
      ok: true;
      version: string | undefined;
      credentials: WatchedCredential[];
      files: AuthFile[];
      calls: number;
    }
  | {
      ok: false;
      failure: 'down' | 'key-rejected';
      detail: string;
      runbook: string | undefined;
      calls: number;
    };

/** Errors that mean "the proxy as a whole cannot be read by us". */
const KEY_REJECTED = new Set(['unauthorized']);

export interface ReadOptions {
  now: number;
  expiryWarnMs: number;
  concurrency?: number;
}

export async function readCredentials(
  client: ManagementClient,
  cache: ExpiryCache,
  options: ReadOptions,
): Promise<CredentialRead> {
  let files: AuthFile[];
  let calls = 1;
  try {
    files = await client.listAuthFiles();
  } catch (err) {
    return { ok: false, calls, ...failureOf(err) };
  }
  const known = await cache.load();
  const needsRead = (f: AuthFile): boolean => {
    if (f.runtimeOnly) return false;
    const k = known.get(f.name);
    if (!k) return true;
    if (f.modtime === undefined && f.size === undefined) return true;
    if ((f.modtime ?? null) !== k.modtime || (f.size ?? null) !== k.size) return true;
    if (k.expiresAt === null) return false;
    return Date.parse(k.expiresAt) - options.now <= options.expiryWarnMs;
  };
  const queue = files.filter(needsRead);
  const changed = new Map<string, ExpiryFacts>();
  let fatal: { failure: 'down' | 'key-rejected'; detail: string; runbook: string | undefined } | undefined;
  const worker = async () => {
    for (let f = queue.shift(); f && !fatal; f = queue.shift()) {
      calls += 1;
      try {
        const t = await client.readToken(f.name);
        changed.set(f.name, {
          modtime: f.modtime ?? null,
          size: f.size ?? null,
          expiresAt: t.expiresAt ?? null,
        });
      } catch (err) {
        const e = err instanceof AppError ? err : undefined;
        // a file that vanished or is not JSON is this credential's problem; anything else is the proxy's
        if (e && (e.code === 'not_found' || e.code === 'bad_response' || e.code === 'bad_request')) continue;
        fatal = failureOf(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 6, queue.length) }, worker));
  if (fatal) return { ok: false, calls, ...fatal };
  const listed = new Set(files.map((f) => f.name));
  await cache.save(
    changed,
    [...known.keys()].filter((name) => !listed.has(name)),
  );
  const credentials = files.map((f): WatchedCredential => {
    const facts = changed.get(f.name) ?? known.get(f.name);
    return {
      name: f.name,
      provider: f.provider,
      status: f.status,
      statusMessage: f.statusMessage,
      disabled: f.disabled,
      unavailable: f.unavailable,
      nextRetryAfter: f.nextRetryAfter,
      updatedAt: f.updatedAt,
      expiresAt: facts?.expiresAt ?? undefined,
    };
  });
  return { ok: true, version: client.serverVersion, credentials, files, calls };
}

function failureOf(err: unknown): {
  failure: 'down' | 'key-rejected';
  detail: string;
  runbook: string | undefined;
} {
  if (err instanceof AppError) {
    return {
      failure: KEY_REJECTED.has(err.code) ? 'key-rejected' : 'down',
      detail: err.message,
      runbook: err.runbook,
    };
  }
  return { failure: 'down', detail: 'unexpected error while reading the proxy', runbook: undefined };
}
