// Acknowledgement latency and throughput of signed slash commands: `concurrency` workers send signed
// commands back to back over keep-alive connections (undici) until `count` have been answered; each
// latency is the time from sending to the end of the HTTP answer (Bolt answers when ack() runs).
// Every command of a run is signed (with the current time) just before the run starts.
import { Pool } from 'undici';
import { nowSeconds, signSlackRequest } from '../test/e2e/signing.js';

export interface AckRun {
  latenciesMs: number[];
  wallMs: number;
  /** Answers that were not 200 (should be none). */
  errors: number;
}

export interface AckTarget {
  url: string;
  command: string;
  text: string;
  signingSecret: string;
  responseUrl: string;
}

function commandBody(t: AckTarget, i: number): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0BENCH',
    team_domain: 'bench',
    channel_id: 'C0INCIDENT',
    channel_name: 'incident',
    user_id: `U0BENCH${i % 97}`,
    user_name: 'bench',
    command: t.command,
    text: t.text,
    api_app_id: 'A0AUTHBOT',
    response_url: t.responseUrl,
    trigger_id: `${i}.trigger`,
  }).toString();
}

/**
 * A load generator for one app: `concurrency` keep-alive connections, opened by the first run and kept
 * for the next ones, so measured runs time requests, not TCP handshakes.
 */
export function openLoad(target: AckTarget, concurrency: number) {
  const pool = new Pool(target.url, { connections: concurrency, keepAliveTimeout: 600_000 });
  let sent = 0;
  return {
    /** Sends `count` signed commands, `concurrency` at a time, back to back. */
    /**
     * `ratePerSec`: commands are sent on a fixed schedule instead (at most `concurrency` in flight), and each
     * latency counts from the command's scheduled time, so a late answer also delays what queued behind it.
     */
    async run(count: number, ratePerSec?: number): Promise<AckRun> {
      const latenciesMs: number[] = [];
      const sentAtMs: number[] = [];
      let errors = 0;
      let next = 0;
      // Bodies are signed before the clock starts (Slack's signing happens on Slack's side, and a signature
      // stays valid for 5 minutes): the load generator's own work stays out of the measured latencies.
      const signed = Array.from({ length: count }, () => {
        const body = commandBody(target, sent++);
        return { body, headers: signSlackRequest(target.signingSecret, body, nowSeconds()) };
      });
      const worker = async () => {
        while (next < count) {
          const i = next++;
          const { body, headers } = signed[i] as (typeof signed)[number];
          const due = ratePerSec ? runStarted + (i * 1000) / ratePerSec : 0;
          // timers may fire up to 1 ms early: wait until the scheduled time has really come
          while (performance.now() < due) await new Promise((r) => setTimeout(r, due - performance.now()));
          const started = ratePerSec ? due : performance.now();
          const res = await pool.request({ path: '/slack/events', method: 'POST', headers, body });
          await res.body.dump();
          latenciesMs.push(performance.now() - started);
          sentAtMs.push(started - runStarted);
          if (res.statusCode !== 200) errors++;
        }
      };
      const runStarted = performance.now();
      await Promise.all(Array.from({ length: concurrency }, worker));
      if (process.env.BENCH_DEBUG) {
        const worst = latenciesMs
          .map((l, k) => [l, sentAtMs[k] ?? 0] as const)
          .sort((a, b) => b[0] - a[0])
          .slice(0, 12);
        console.error(
          `${target.url} ${count}: slowest ${worst.map(([l, at]) => `${l.toFixed(0)}ms@${at.toFixed(0)}`).join(' ')}`,
        );
      }
      return { latenciesMs, wallMs: performance.now() - runStarted, errors };
    },
    close: () => pool.close(),
  };
}

/** One run over connections of its own (closed after). */
export async function runAcks(target: AckTarget, count: number, concurrency: number): Promise<AckRun> {
  const load = openLoad(target, concurrency);
  try {
    return await load.run(count);
  } finally {
    await load.close();
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
