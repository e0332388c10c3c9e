// One watch read of the proxy: the auth-files list once, and a token file only when it changed on disk
// (modtime/size) or its known expiry is near. The cost of a poll grows with what changed, not with the
// number of credentials. Only expiry facts are kept; tokens are reduced inside the client.
import type { AuthFile, ManagementClient } from '../cliproxy/types.js';
import type { Observation, WatchedCredential } from '../domain/watch/conditions.js';
import { AppError } from '../errors.js';

/** What the watch remembers of one token file between polls (never a token). */
export interface ExpiryFacts {
  modtime: string | null;
  size: number | null;
  expiresAt: string | null;
  /**
   * In memory only, never stored: the last read that found this file listed. Marking the facts the
   * poll already holds finds the files that left the list without building a set of names per poll.
   */
  listedIn?: number;
}

/** Numbers the reads, for ExpiryFacts.listedIn (reads of one cache never overlap: polls do not). */
let reads = 0;

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
      /** How many credentials the proxy listed. */
      count: number;
      /** What `detect` found, in the proxy's list order. */
      observations: Observation[];
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

/**
 * Reads the proxy's credentials and hands each to `detect`, keeping only what it finds: a healthy
 * credential whose file did not change is looked at and let go, so a poll of thousands keeps next to
 * nothing (the watch polls forever; what a poll keeps is what its heap carries).
 */
export async function readCredentials(
  client: ManagementClient,
  cache: ExpiryCache,
  options: ReadOptions,
  detect: (c: WatchedCredential) => Observation[],
): Promise<CredentialRead> {
  let calls = 1;
  const known = await cache.load();
  const needsRead = (f: AuthFile, k: ExpiryFacts | undefined): boolean => {
    if (f.runtimeOnly) return false;
    if (!k) return true;
    if (f.modtime === undefined && f.size === undefined) return true;
    if ((f.modtime ?? null) !== k.modtime || (f.size ?? null) !== k.size) return true;
    if (k.expiresAt === null) return false;
    return Date.parse(k.expiresAt) - options.now <= options.expiryWarnMs;
  };
  // Files whose token is read after the list keep a copy of what the watch needs, made here, never the
  // listed object itself: keeping those (the first poll queues every file) taught V8 that objects from
  // the list's allocation site live long, and it then allocated every later poll's list straight in the
  // old generation (allocation-site pretenuring), about 1 MB of old garbage per poll of 5,000.
  const queue: Queued[] = [];
  const found: { index: number; observations: Observation[] }[] = [];
  const read = ++reads;
  let index = 0;
  let count: number;
  // a throw from `detect` is the bot's own bug: it must surface as one, not read as "the proxy is down"
  let detectFailed: { err: unknown } | undefined;
  try {
    count = await client.scanAuthFiles((f) => {
      const k = known.get(f.name);
      if (k) k.listedIn = read;
      if (needsRead(f, k)) queue.push(queued(f, index));
      else {
        let observations: Observation[];
        try {
          observations = detect(watched(f, k));
        } catch (err) {
          detectFailed = { err };
          throw err;
        }
        if (observations.length > 0) found.push({ index, observations });
      }
      index++;
    });
  } catch (err) {
    if (detectFailed) throw detectFailed.err;
    return { ok: false, calls, ...failureOf(err) };
  }
  const changed = new Map<string, ExpiryFacts>();
  let fatal: { failure: 'down' | 'key-rejected'; detail: string; runbook: string | undefined } | undefined;
  let next = 0;
  const worker = async () => {
    for (let f = queue[next++]; f && !fatal; f = queue[next++]) {
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
  const gone: string[] = [];
  for (const [name, k] of known) if (k.listedIn !== read) gone.push(name);
  await cache.save(changed, gone);
  for (const f of queue) {
    const facts = changed.get(f.name) ?? known.get(f.name);
    const observations = detect({ ...f.credential, expiresAt: facts?.expiresAt ?? undefined });
    if (observations.length > 0) found.push({ index: f.index, observations });
  }
  if (queue.length > 0) found.sort((x, y) => x.index - y.index);
  return {
    ok: true,
    version: client.serverVersion,
    count,
    observations: found.flatMap((x) => x.observations),
    calls,
  };
}

interface Queued {
  name: string;
  modtime: string | undefined;
  size: number | undefined;
  credential: WatchedCredential;
  /** The file's place in the list: observations are reported in list order. */
  index: number;
}

function queued(f: AuthFile, index: number): Queued {
  return { name: f.name, modtime: f.modtime, size: f.size, credential: { ...watched(f, undefined) }, index };
}

function watched(f: AuthFile, facts: ExpiryFacts | undefined): WatchedCredential {
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
