// /readyz answers from one shared check: at most one round of probes runs at a time, and its answer is
// reused for a few seconds, so a flood of unauthenticated /readyz calls costs at most one proxy call per
// interval and never queues in front of an approved action's calls. The answer names the dependencies
// and whether each is ready, nothing more: the reason (an error message, a URL) goes to the log only.
import type { Logger } from 'pino';

export interface ReadinessProbe {
  name: string; // "store", "proxy"
  check(): Promise<void>; // throws with a human-readable message when not ready
}

export interface ReadinessReport {
  status: 'ready' | 'not ready';
  checks: { name: string; ok: boolean }[];
}

export interface ReadinessOptions {
  /** How long an answer is reused. Default 5000 ms. */
  cacheMs?: number;
  /** Deadline of each probe. Default 3000 ms. */
  timeoutMs?: number;
  now?: () => number;
  logger?: Logger | undefined;
}

async function runProbe(probe: ReadinessProbe, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

/** Returns the shared readiness check: cached for cacheMs, one round of probes in flight at most. */
export function createReadiness(
  probes: ReadinessProbe[],
  options: ReadinessOptions = {},
): () => Promise<ReadinessReport> {
  const cacheMs = options.cacheMs ?? 5000;
  const timeoutMs = options.timeoutMs ?? 3000;
  const now = options.now ?? Date.now;
  let cached: { at: number; report: ReadinessReport } | undefined;
  let inFlight: Promise<ReadinessReport> | undefined;
  const lastProblem = new Map<string, string | undefined>();

  const round = async (): Promise<ReadinessReport> => {
    const problems = await Promise.all(probes.map((p) => runProbe(p, timeoutMs)));
    const checks = probes.map((p, i) => {
      const problem = problems[i];
      // log a dependency's problem when it changes, not on every probe round
      if (problem !== lastProblem.get(p.name)) {
        if (problem) options.logger?.warn({ dependency: p.name, problem }, 'not ready');
        else if (lastProblem.get(p.name)) options.logger?.info({ dependency: p.name }, 'ready again');
        lastProblem.set(p.name, problem);
      }
      return { name: p.name, ok: problem === undefined };
    });
    const ready = checks.every((c) => c.ok);
    return { status: ready ? 'ready' : 'not ready', checks };
  };

  return () => {
    if (cached && now() - cached.at < cacheMs) return Promise.resolve(cached.report);
    if (!inFlight) {
      inFlight = round()
        .then((report) => {
          cached = { at: now(), report };
          return report;
        })
        .finally(() => {
          inFlight = undefined;
        });
    }
    return inFlight;
  };
}

/** What a proxy client offers the readiness check: its last success, and a background probe. */
export interface ProbeableProxy {
  readonly lastSuccessAt: number | undefined;
  probe(options: {
    background?: boolean;
  }): Promise<{ error?: { code: string; message: string } | undefined }>;
}

/**
 * The proxy is ready when a management call succeeded within `freshMs` (no call needed: while actions
 * run, readiness costs nothing), otherwise when a background GET /config succeeds.
 */
export function proxyReadiness(
  proxy: ProbeableProxy,
  options: { freshMs?: number; now?: () => number } = {},
): ReadinessProbe {
  const freshMs = options.freshMs ?? 10_000;
  const now = options.now ?? Date.now;
  return {
    name: 'proxy',
    check: async () => {
      const last = proxy.lastSuccessAt;
      if (last !== undefined && now() - last < freshMs) return;
      const info = await proxy.probe({ background: true });
      if (info.error) throw new Error(`${info.error.code}: ${info.error.message}`);
    },
  };
}
