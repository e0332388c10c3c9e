// The credential watch's cost (part of `npm run bench`, its own line):
// `watch: credentials=5000 poll_ms_p50=N poll_ms_p99=N mgmt_calls_per_poll=N rss_delta_mb=N`.
// The real Watcher (lease, read, evaluate, save in a real SQLite store, Slack effects) polls the fake proxy
// (bench/watch-proxy.ts, a process of its own) holding 5,000 credentials, in a process of its own started
// with the Node flags the bot ships with. The first polls read every token file once and let the cooldown
// alerts fire; the measured polls then see nothing change, which is the watch's everyday cost:
// - poll_ms: the bot's time per poll, i.e. the CPU time of the watch's process (user + system, GC threads
//   included) during Watcher.pollOnce; the proxy's time is in its own process. The wall time is printed
//   on a line of its own (on a busy machine it mostly measures waiting for a CPU);
// - mgmt_calls_per_poll: the management calls the proxy counted per measured poll;
// - rss_delta_mb: resident memory the watch added to its process, from just before the watcher was
//   created to the highest value seen after the measured polls.
// - 200 measured polls by default (BENCH_WATCH_POLLS): enough for the old generation to fill and be
//   collected several times, so the peak is the steady state a watch polling for days reaches, not a
//   snapshot taken before the first full GC.
// Targets: p50 < 100 ms, 1 call, < 30 MB. Alone, with the bot's flags (bench/build.ts BOT_NODE_FLAGS):
// `node --max-semi-space-size=4 --heap-growing-percent=100 --import tsx bench/watch.ts`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Messenger } from '../src/approvals/messenger.js';
import { createManagementClient } from '../src/cliproxy/client.js';
import { createLogger } from '../src/logger.js';
import { openStore } from '../src/store/open.js';
import { Watcher } from '../src/watch/watcher.js';
import { percentile } from './ack.js';
import { BOT_NODE_FLAGS } from './build.js';

export interface WatchFigures {
  credentials: number;
  poll_ms_p50: number;
  poll_ms_p99: number;
  mgmt_calls_per_poll: number;
  rss_delta_mb: number;
  /** Not in the line: the wall time per measured poll. */
  wall_ms_p50: number;
  wall_ms_p99: number;
  slack_calls: number;
}

const HOUR = 3_600_000;

export async function measureWatch(
  credentials = Number(process.env.BENCH_WATCH_CREDENTIALS ?? 5000),
  polls = Number(process.env.BENCH_WATCH_POLLS ?? 200),
): Promise<WatchFigures> {
  const proxy = await startProxy(credentials);
  const dir = mkdtempSync(join(tmpdir(), 'authbot-bench-watch-'));
  const store = await openStore(`file:${join(dir, 'watch.sqlite')}`);
  const client = createManagementClient({
    baseUrl: proxy.url,
    managementKey: proxy.managementKey,
    timeoutMs: 30_000,
  });
  let slackCalls = 0;
  const messenger: Messenger = {
    postRequest: async () => `${++slackCalls}.000100`,
    updateRequest: async () => {
      slackCalls++;
      return true;
    },
    threadReply: async () => {
      slackCalls++;
      return true;
    },
    ephemeral: async () => {
      slackCalls++;
      return true;
    },
    direct: async () => {
      slackCalls++;
      return true;
    },
  };
  try {
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const watcher = new Watcher({
      store,
      client,
      messenger,
      logger: createLogger({ level: 'warn' }),
      proxy: proxy.url,
      slackSpacingMs: 0,
      settings: {
        channel: 'C0WATCH',
        intervalMs: 60_000,
        expiryWarnMs: 30 * 60_000,
        staleCooldownMs: 6 * HOUR,
        repeatMs: 4 * HOUR,
        group: 5,
        digestAtMinute: undefined,
      },
    });
    // first poll reads every file; the second fires the cooldown alerts; two more warm the JIT
    for (let i = 0; i < 4; i++) await watcher.pollOnce();
    const slackBefore = slackCalls;
    const wall: number[] = [];
    const cpu: number[] = [];
    let rssPeak = process.memoryUsage().rss;
    const callsBefore = await proxy.calls();
    for (let i = 0; i < polls; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const result = await watcher.pollOnce();
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      if (!result.leader || !result.read?.ok) throw new Error('the watch bench poll did not read the proxy');
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
    const callsPerPoll = ((await proxy.calls()) - callsBefore) / polls;
    await watcher.stop();
    wall.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    return {
      credentials,
      poll_ms_p50: percentile(cpu, 50),
      poll_ms_p99: percentile(cpu, 99),
      mgmt_calls_per_poll: callsPerPoll,
      rss_delta_mb: (rssPeak - rssBefore) / 1024 / 1024,
      wall_ms_p50: percentile(wall, 50),
      wall_ms_p99: percentile(wall, 99),
      slack_calls: slackCalls - slackBefore,
    };
  } finally {
    await client.close();
    await store.close();
    await proxy.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function watchLine(f: WatchFigures): string {
  const r = (n: number) => String(Math.round(n * 100) / 100);
  return `watch: credentials=${f.credentials} poll_ms_p50=${r(f.poll_ms_p50)} poll_ms_p99=${r(f.poll_ms_p99)} mgmt_calls_per_poll=${r(f.mgmt_calls_per_poll)} rss_delta_mb=${r(f.rss_delta_mb)}`;
}

async function startProxy(credentials: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/watch-proxy.ts'], {
    env: { PATH: process.env.PATH, BENCH_WATCH_CREDENTIALS: String(credentials) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-4000);
  });
  const info = await new Promise<{ url: string; managementKey: string }>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line) as { url: string; managementKey: string });
    });
    child.once('exit', (code) => reject(new Error(`watch bench proxy exited with ${code}: ${err}`)));
  });
  return {
    ...info,
    calls: () =>
      new Promise<number>((resolve) => {
        child.once('message', (m) => resolve((m as { calls: number }).calls));
        child.send('calls');
      }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs the measurement in a child process with the bot's Node flags; prints its notes, returns the line. */
export async function runWatchBench(): Promise<string> {
  const child = spawn(process.execPath, [...BOT_NODE_FLAGS, '--import', 'tsx', 'bench/watch.ts'], {
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  const lines = out.trim().split('\n');
  const line = lines.find((l) => l.startsWith('watch: credentials='));
  if (code !== 0 || !line) throw new Error(`the watch bench failed (exit ${code}):\n${out}`);
  for (const l of lines) if (l !== line) console.log(l);
  return line;
}

// `node --max-semi-space-size=4 --heap-growing-percent=100 --import tsx bench/watch.ts`: this measurement alone
if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await measureWatch();
  console.log(
    `watch: wall time per unchanged poll p50 ${f.wall_ms_p50.toFixed(1)} ms, p99 ${f.wall_ms_p99.toFixed(1)} ms; Slack calls during the measured polls: ${f.slack_calls}`,
  );
  const targets = [
    ['poll p50 < 100 ms', f.poll_ms_p50 < 100],
    ['1 management call per poll', f.mgmt_calls_per_poll === 1],
    ['RSS added < 30 MB', f.rss_delta_mb < 30],
  ] as const;
  console.log(`watch targets: ${targets.map(([n, ok]) => `${n}: ${ok ? 'met' : 'MISSED'}`).join('; ')}`);
  console.log(watchLine(f));
}
