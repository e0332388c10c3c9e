// Acknowledgement latency and throughput of signed slash commands: `concurrency` workers send signed
// commands back to back over keep-alive connections (undici) until `count` have been answered; each
// latency is the time from sending to the end of the HTTP answer (Bolt answers when ack() runs).
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

export async function runAcks(target: AckTarget, count: number, concurrency: number): Promise<AckRun> {
  const pool = new Pool(target.url, { connections: concurrency, keepAliveTimeout: 30_000 });
  const latenciesMs: number[] = [];
  let errors = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const body = commandBody(target, i);
      const headers = signSlackRequest(target.signingSecret, body, nowSeconds());
      const started = performance.now();
      const res = await pool.request({ path: '/slack/events', method: 'POST', headers, body });
      await res.body.dump();
      latenciesMs.push(performance.now() - started);
      if (res.statusCode !== 200) errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - started;
  await pool.close();
  return { latenciesMs, wallMs, errors };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
