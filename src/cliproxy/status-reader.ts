// Status reads shared by /auth-status commands. During an incident many people run /auth-status within
// seconds of each other while the proxy may take seconds to answer. A command joins the read of the same
// key (provider, or '' for all) in flight, if any, else starts one; and a read that reached the proxy
// (server answered, every token file read) is kept for `maxAgeMs` so that the next commands are answered at once, in Slack's
// acknowledgement, instead of each waiting on the proxy. A kept read that is getting old (`refreshAfterMs`)
// is refreshed in the background by the next command, so a steady stream of commands keeps getting answers
// no older than `maxAgeMs` without ever waiting. Reads that failed to reach the proxy are never kept: the
// next command asks again. `invalidate()` drops everything kept and in flight: the bot calls it whenever
// it changes something on the proxy, so an answer never predates the bot's own fix.
// Ages count from the moment a read *started*: the report describes the proxy at some point after that.
import type { StatusReport } from '../domain/status.js';

export interface StatusRead {
  report: StatusReport;
  /** When the read started (ms since epoch). */
  readAt: number;
}

export interface StatusReaderOptions {
  now: () => number;
  /** How old a kept read may be to answer a command (0: nothing is kept; every command reads). */
  maxAgeMs: number;
  /** From this age on, a command that is answered from a kept read also starts a fresh one (default maxAge/3). */
  refreshAfterMs?: number;
  /** A background refresh failed (the command that started it was already answered). */
  onBackgroundError?: (err: unknown) => void;
}

export interface StatusReader {
  /** A kept read of `key` no older than maxAgeMs, or undefined; may start a background refresh. */
  recent(key: string): StatusRead | undefined;
  /** Joins the read of `key` in flight, or starts one. */
  read(key: string): Promise<StatusRead>;
  /** Forgets every kept read and every read in flight (the proxy has changed). */
  invalidate(): void;
  /** Goes up by one at every invalidate(): whatever waited on a read of an older generation is stale. */
  generation(): number;
}

/** At most this many keys (providers) are kept; the oldest read goes first. */
export const MAX_KEPT_READS = 64;

/** A read worth answering others from: the proxy answered and every token file was read. */
function keepable(report: StatusReport): boolean {
  return (
    !report.server.error &&
    !report.credentials.some((c) => c.problems.some((p) => p.code === 'token_unreadable'))
  );
}

export function createStatusReader(
  read: (key: string) => Promise<StatusReport>,
  options: StatusReaderOptions,
): StatusReader {
  const { now, maxAgeMs } = options;
  const refreshAfterMs = options.refreshAfterMs ?? Math.floor(maxAgeMs / 3);
  const kept = new Map<string, StatusRead>();
  const inFlight = new Map<string, Promise<StatusRead>>();
  let generation = 0;

  const keep = (key: string, read: StatusRead) => {
    kept.delete(key); // re-inserted last: the map stays ordered oldest first
    kept.set(key, read);
    const now_ = now();
    for (const [k, r] of kept) if (now_ - r.readAt > maxAgeMs) kept.delete(k);
    for (const k of kept.keys()) {
      if (kept.size <= MAX_KEPT_READS) break;
      kept.delete(k);
    }
  };

  const start = (key: string): Promise<StatusRead> => {
    const current = inFlight.get(key);
    if (current) return current;
    const startedIn = generation;
    const readAt = now();
    const result = read(key).then((report) => {
      const done: StatusRead = { report, readAt };
      // only a complete read is kept, and never one started before an invalidation (one key has one read
      // in flight per generation, so a kept read is never replaced by an older one)
      if (maxAgeMs > 0 && startedIn === generation && keepable(report)) keep(key, done);
      return done;
    });
    inFlight.set(key, result);
    const forget = () => {
      if (inFlight.get(key) === result) inFlight.delete(key);
    };
    result.then(forget, forget);
    return result;
  };

  return {
    recent(key) {
      const hit = kept.get(key);
      if (!hit) return undefined;
      const age = now() - hit.readAt;
      if (age > maxAgeMs || age < 0) {
        kept.delete(key);
        return undefined;
      }
      if (age >= refreshAfterMs && !inFlight.has(key))
        start(key).catch((err: unknown) => options.onBackgroundError?.(err));
      return hit;
    },
    read: start,
    invalidate() {
      generation++;
      kept.clear();
      inFlight.clear();
    },
    generation: () => generation,
  };
}

/**
 * Management calls after which a kept /auth-status read may be wrong: every write, and the OAuth login
 * routes (a login that completes replaces a credential on the proxy's side).
 */
export function changesCredentials(method: string, route: string): boolean {
  if (route.startsWith('/v1/')) return false; // the canary's chat call changes no credential
  return method !== 'GET' || /-auth-url$|\/get-auth-status$/.test(route);
}
