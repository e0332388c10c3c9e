// `npm run bench`: prints each benchmark's figures as a table, then (last) the summary line from benchLine().
//   1. Ack latency and throughput: the real bot (`auth-bot serve` with the Node flags it ships with, a child
//      process) against a bare Bolt app (bench/bare-bolt.ts, ack only), both answering the same signed slash
//      command from 50 concurrent keep-alive clients while the proxy takes 2 s to answer every call
//      (bench/slow-proxy.ts). Two more apps for comparison: bare Bolt that also posts a fixed answer to
//      response_url ("bare + respond"), and the bot with AUTHBOT_STATUS_MAX_AGE=0s. The fake Slack and the
//      slow proxy run in a process of their own (bench/world.ts); this one only generates load.
//      Method: every app runs from the project's tsc build (BENCH_TSX=1: through tsx) and gets a JIT warm-up
//      of BENCH_WARMUP commands; the apps are measured in turns, ROUNDS times; each measured run follows an
//      unmeasured 200-command prelude (reopens keep-alive connections the app closed while idle) and is
//      followed by a drain (the bot answered everything it acknowledged, the fake Slack stopped receiving),
//      so no app's background work lands in another's measurement. With `taskset` and 2+ CPUs the app under
//      test has CPU 1 to itself and the load generator, fake Slack and proxy share CPU 0 (BENCH_PIN=0: off).
//      Then one more run of the bot and of bare Bolt paced at BENCH_PACED_RPS (1000) req/s, latency counted
//      from each command's scheduled time: the ack latency below saturation (printed, not in the last line).
//   2. The bot's peak memory: VmHWM of its process (Linux /proc) after all rounds.
//   3. The matcher's time per query (bench/matcher.ts), and how it ranks the real reports of the shared dev
//      set (bench/why-realworld.ts; ../shared/design/why-realworld-dev.tsv, read at run time).
// Everything listens on 127.0.0.1 only; loops are bounded; the whole run takes about 100 s.
// Knobs (for investigating, not for CI): BENCH_REQUESTS (3000), BENCH_ROUNDS (3), BENCH_WARMUP (3000),
// BENCH_PACED_RPS (1000), BENCH_PROXY_DELAY_MS (2000), BENCH_COMMAND / BENCH_TEXT (default: /auth-status), BENCH_TSX=1, BENCH_PIN=0,
// BENCH_CPUS=0,1, BENCH_BOT_NODE_ARGS (extra flags, e.g. --cpu-prof), BENCH_HEAP_SIGNAL=1 (with
// --heapsnapshot-signal=SIGUSR2), BENCH_KEEP_LOG=FILE (the bot's log), BENCH_DEBUG=1 (slowest requests).
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AckRun, openLoad, percentile, runAcks } from './ack.js';
import { buildForBench, tsxCommands } from './build.js';
import { cpuSeconds, freePort, pin, pinning, startChild, startWorld } from './children.js';
import { measureMatcher } from './matcher.js';
import { benchLine } from './run-line.js';
import { runWatchBench } from './watch.js';
import { realWorldLine } from './why-realworld.js';

const COUNT = Number(process.env.BENCH_REQUESTS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3000);
const CONCURRENCY = 50;
const PRELUDE = 200;
/** A second latency figure below saturation: the same commands on a fixed schedule (not in the last line). */
const PACED_RPS = Number(process.env.BENCH_PACED_RPS ?? 1000);
const PROXY_DELAY_MS = Number(process.env.BENCH_PROXY_DELAY_MS ?? 2000);
const SECRET = 'bench-signing-secret-0123456789abcdef';
const TOKEN = 'xoxb-bench-token';

pin(process.pid, pinning?.world); // the load generator stands in for Slack: it shares the world's CPU
const dir = mkdtempSync(join(tmpdir(), 'authbot-bench-'));
const world = await startWorld({
  PATH: process.env.PATH,
  BENCH_TOKEN: TOKEN,
  BENCH_PROXY_DELAY_MS: String(PROXY_DELAY_MS),
});
const policyFile = join(dir, 'policy.yml');
writeFileSync(policyFile, 'channels: [C0INCIDENT]\napprovers: { users: [U0ALICE, U0BOB] }\n');
const baseEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  SLACK_BOT_TOKEN: TOKEN,
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: world.slackApiUrl,
  HOST: '127.0.0.1',
};

const children: { stop(): Promise<unknown> }[] = [world];
try {
  const botPort = await freePort();
  const commands = process.env.BENCH_TSX ? tsxCommands() : await buildForBench(dir);
  const bot = await startChild(
    [...(process.env.BENCH_BOT_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...commands.bot],
    {
      ...baseEnv,
      PORT: String(botPort),
      CLIPROXY_URL: world.proxyUrl,
      CLIPROXY_MANAGEMENT_KEY: world.managementKey,
      AUTHBOT_DATABASE_URL: `file:${join(dir, 'auth-bot.sqlite')}`,
      AUTHBOT_POLICY_FILE: policyFile,
      LOG_LEVEL: 'info',
    },
    botPort,
    join(dir, 'bot.log'),
  );
  children.push(bot);
  const idleRss = bot.rssMb();
  // the same bot with AUTHBOT_STATUS_MAX_AGE=0s: every /auth-status waits for a read of the slow proxy and
  // is answered through response_url (for comparison; the last line measures the bot as configured)
  const uncachedPort = await freePort();
  const uncached = await startChild(
    commands.bot,
    {
      ...baseEnv,
      PORT: String(uncachedPort),
      CLIPROXY_URL: world.proxyUrl,
      CLIPROXY_MANAGEMENT_KEY: world.managementKey,
      AUTHBOT_DATABASE_URL: `file:${join(dir, 'auth-bot-uncached.sqlite')}`,
      AUTHBOT_POLICY_FILE: policyFile,
      AUTHBOT_STATUS_MAX_AGE: '0s',
      LOG_LEVEL: 'warn',
    },
    uncachedPort,
  );
  children.push(uncached);
  const { command, text } = await pickCommand(bot.url);
  const barePort = await freePort();
  const bare = await startChild(
    commands.bare,
    { ...baseEnv, BENCH_PORT: String(barePort), BENCH_COMMAND: command },
    barePort,
  );
  children.push(bare);
  const answeringPort = await freePort();
  const answering = await startChild(
    commands.bare,
    { ...baseEnv, BENCH_PORT: String(answeringPort), BENCH_COMMAND: command, BENCH_RESPOND: '1' },
    answeringPort,
  );
  children.push(answering);
  const target = (url: string) => ({
    url,
    command,
    text,
    signingSecret: SECRET,
    responseUrl: world.responseUrl,
  });

  // Each run starts only once the work behind the previous run's acks (proxy reads, response_url posts) is
  // done, so one app's leftovers never slow the next one's measurement: a bot has answered every command
  // it acknowledged (its /metrics say so), and the fake Slack has stopped receiving posts.
  const bots = new Set<string>([bot.url, uncached.url]);
  const loads = new Map<string, ReturnType<typeof openLoad>>();
  const run = async (url: string, count: number, ratePerSec?: number): Promise<AckRun> => {
    const answeredBefore = bots.has(url) ? await statusAnswers(url) : undefined;
    const load = loads.get(url) ?? openLoad(target(url), CONCURRENCY);
    loads.set(url, load);
    // Apps close idle keep-alive connections after 5 s (Node's default), and the drain below takes longer:
    // a short unmeasured burst first reopens the connections, so no measured request pays for a handshake.
    await load.run(PRELUDE);
    const result = await load.run(count, ratePerSec);
    const started = Date.now();
    if (answeredBefore) {
      const expected = answeredBefore.recent + answeredBefore.proxy + PRELUDE + count;
      for (;;) {
        const now = await statusAnswers(url);
        if (now.recent + now.proxy >= expected) break;
        if (Date.now() - started > 60_000) throw new Error(`${url} did not answer every command within 60 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    let last = -1;
    for (let stable = 0; stable < 3; ) {
      await new Promise((r) => setTimeout(r, 200));
      const { responsePosts } = await world.stats();
      stable = responsePosts === last ? stable + 1 : 0;
      last = responsePosts;
    }
    return result;
  };
  for (const app of [bot, bare, answering, uncached]) await run(app.url, WARMUP);
  const botRuns: AckRun[] = [];
  const bareRuns: AckRun[] = [];
  const answeringRuns: AckRun[] = [];
  const uncachedRuns: AckRun[] = [];
  let rssDuringLoad = 0;
  let fdsDuringLoad = 0;
  const sampler = setInterval(() => {
    rssDuringLoad = Math.max(rssDuringLoad, bot.rssMb());
    fdsDuringLoad = Math.max(fdsDuringLoad, bot.openFds());
  }, 50);
  const before = await world.stats();
  const pids = {
    'auth-bot': bot.pid,
    'bare Bolt': bare.pid,
    'fake Slack + proxy': world.pid,
    'load generator': process.pid,
  };
  const cpu: Record<string, number> = Object.fromEntries(Object.keys(pids).map((k) => [k, 0]));
  const measure = async (work: () => Promise<AckRun>) => {
    const start = Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)] as const);
    const result = await work();
    for (const [k, s0] of start) cpu[k] = (cpu[k] ?? 0) + cpuSeconds(pids[k as keyof typeof pids]) - s0;
    return result;
  };
  for (let round = 0; round < ROUNDS; round++) {
    // alternate, so background load on a shared machine hits every side alike
    botRuns.push(await measure(() => run(bot.url, COUNT)));
    bareRuns.push(await run(bare.url, COUNT));
    answeringRuns.push(await run(answering.url, COUNT));
    uncachedRuns.push(await run(uncached.url, COUNT));
  }
  const pacedBot = await run(bot.url, COUNT, PACED_RPS);
  const pacedBare = await run(bare.url, COUNT, PACED_RPS);
  for (const load of loads.values()) await load.close();
  const answers = await statusAnswers(bot.url);
  const heap = await heapFigures(bot.url);
  if (process.env.BENCH_HEAP_SIGNAL) process.kill(bot.pid, 'SIGUSR2'); // with BENCH_BOT_NODE_ARGS=--heapsnapshot-signal=SIGUSR2
  clearInterval(sampler);
  const after = await world.stats();
  const botPeak = bot.peakRssMb();
  const barePeak = bare.peakRssMb();

  const sum = (runs: AckRun[]) => ({
    latencies: runs.flatMap((r) => r.latenciesMs),
    wallMs: runs.reduce((a, r) => a + r.wallMs, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
  });
  const b = sum(botRuns);
  const base = sum(bareRuns);
  const row = (name: string, s: ReturnType<typeof sum>) => {
    const n = s.latencies.length;
    return {
      name,
      p50: percentile(s.latencies, 50),
      p99: percentile(s.latencies, 99),
      max: percentile(s.latencies, 100),
      rps: (n / s.wallMs) * 1000,
      errors: s.errors,
    };
  };
  const rb = row('auth-bot', b);
  const rw = row('bare Bolt', base);
  const ra = row('bare + respond', sum(answeringRuns));
  const ru = row('bot, max age 0', sum(uncachedRuns));
  const f = (n: number, w = 10, d = 1) => n.toFixed(d).padStart(w);
  console.log(
    pinning
      ? `CPU placement: each app under test alone on CPU ${pinning.app}; load generator, fake Slack and slow proxy on CPU ${pinning.world} (BENCH_PIN=0: no pinning)`
      : 'CPU placement: none (every process on every CPU)',
  );
  console.log(
    `processes: ${process.env.BENCH_TSX ? 'node --import tsx (sources)' : 'node on the tsc build (as the Docker image runs)'}`,
  );
  console.log(
    `ack: ${ROUNDS} x ${COUNT} signed \`${command}${text ? ` ${text}` : ''}\` after ${WARMUP} warm-up, ` +
      `${CONCURRENCY} concurrent, proxy answers after ${PROXY_DELAY_MS} ms`,
  );
  console.log(
    `${''.padEnd(16)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'max ms'.padStart(10)}${'req/s'.padStart(10)}${'non-200'.padStart(10)}`,
  );
  for (const r of [rb, rw, ra, ru])
    console.log(
      `${r.name.padEnd(16)}${f(r.p50)}${f(r.p99)}${f(r.max)}${f(r.rps, 10, 0)}${String(r.errors).padStart(10)}`,
    );
  console.log(
    `${'bot / bare'.padEnd(16)}${f(rb.p50 / rw.p50, 10, 2)}${f(rb.p99 / rw.p99, 10, 2)}${f(rb.max / rw.max, 10, 2)}${f(rb.rps / rw.rps, 10, 2)}`,
  );
  console.log(
    `${'bot / answering'.padEnd(16)}${f(rb.p50 / ra.p50, 10, 2)}${f(rb.p99 / ra.p99, 10, 2)}${f(rb.max / ra.max, 10, 2)}${f(rb.rps / ra.rps, 10, 2)}` +
      '   (answering: bare Bolt that posts a fixed reply to response_url during its measured run; the bot posts after a 2 s proxy read, after its run: not like for like)',
  );
  console.log(
    `${'max age 0 / bare'.padEnd(16)}${f(ru.p50 / rw.p50, 10, 2)}${f(ru.p99 / rw.p99, 10, 2)}${f(ru.max / rw.max, 10, 2)}${f(ru.rps / rw.rps, 10, 2)}` +
      '   (max age 0: the bot with AUTHBOT_STATUS_MAX_AGE=0s, every answer waits for a proxy read)',
  );
  const paced = (r: AckRun) =>
    `p50 ${percentile(r.latenciesMs, 50).toFixed(1)} ms, p99 ${percentile(r.latenciesMs, 99).toFixed(1)} ms, max ${percentile(r.latenciesMs, 100).toFixed(1)} ms`;
  console.log(
    `below saturation: ${COUNT} commands at ${PACED_RPS} req/s (at most ${CONCURRENCY} in flight, latency from the scheduled send time): ` +
      `auth-bot ${paced(pacedBot)}; bare Bolt ${paced(pacedBare)}`,
  );
  console.log(
    `work behind the acks (all measured rounds, drained): ${after.proxyCalls - before.proxyCalls} proxy calls, ` +
      `${after.responsePosts - before.responsePosts} response_url posts; ` +
      `auth-bot answered ${answers.recent} /auth-status in the ack from a recent read and ${answers.proxy} after reading the proxy`,
  );
  console.log(
    `CPU seconds for the bot's measured runs (${(b.wallMs / 1000).toFixed(1)} s of acks, then answering all of them): ` +
      Object.entries(cpu)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join(', '),
  );
  console.log(
    `memory: auth-bot RSS after start-up ${idleRss.toFixed(1)} MB, peak RSS ${botPeak.toFixed(1)} MB (max sampled under load ${rssDuringLoad.toFixed(1)} MB, ${fdsDuringLoad} open fds), ` +
      `bare Bolt peak RSS ${barePeak.toFixed(1)} MB, max age 0 bot peak RSS ${uncached.peakRssMb().toFixed(1)} MB`,
  );
  console.log(`bot heap after the measured rounds (from /metrics): ${heap}`);
  const targets = [
    ['ack p99 < 50 ms', rb.p99 < 50],
    ['throughput >= 0.8 x bare Bolt', rb.rps / rw.rps >= 0.8],
    ['peak RSS < 150 MB', botPeak < 150],
    ['every ack 200', rb.errors === 0],
  ] as const;
  console.log(`targets: ${targets.map(([name, ok]) => `${name}: ${ok ? 'met' : 'MISSED'}`).join('; ')}`);

  const stopped = await bot.stop();
  console.log(`SIGTERM: auth-bot ${stopped.how} after ${(stopped.ms / 1000).toFixed(1)} s`);
  if (process.env.BENCH_KEEP_LOG) copyFileSync(join(dir, 'bot.log'), process.env.BENCH_KEEP_LOG);

  const matcher = measureMatcher();
  console.log(`matcher: ${matcher.queries} queries, p50 ${matcher.p50_us} µs, p99 ${matcher.p99_us} µs`);
  console.log(realWorldLine());
  console.log(await runWatchBench());

  console.log(
    benchLine({
      ack_p50_ms: rb.p50,
      ack_p99_ms: rb.p99,
      throughput_ratio: rb.rps / rw.rps,
      peak_rss_mb: botPeak,
      matcher_p99_us: matcher.p99_us,
    }),
  );
} finally {
  for (const c of children.reverse()) await c.stop();
  if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
}

/**
 * The command that calls the proxy: /auth-status when the bot has it, else /auth-refresh; /auth-why
 * (which does not call the proxy) only when neither is registered, with a warning.
 */
async function pickCommand(url: string): Promise<{ command: string; text: string }> {
  if (process.env.BENCH_COMMAND)
    return { command: process.env.BENCH_COMMAND, text: process.env.BENCH_TEXT ?? '' };
  for (const candidate of [
    { command: '/auth-status', text: '' },
    { command: '/auth-refresh', text: 'kiro' },
    { command: '/auth-why', text: 'refresh returns 401' },
  ]) {
    const run = await runAcks(
      { url, ...candidate, signingSecret: SECRET, responseUrl: world.responseUrl },
      1,
      1,
    );
    if (run.errors === 0) {
      if (candidate.command === '/auth-why')
        console.log('warning: the bot has neither /auth-status nor /auth-refresh; measuring /auth-why');
      return candidate;
    }
  }
  throw new Error('the bot acknowledges none of /auth-status, /auth-refresh, /auth-why');
}

/** How the bot answered /auth-status so far, from its own /metrics. */
async function statusAnswers(url: string): Promise<{ recent: number; proxy: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const count = (source: string) =>
    Number(
      new RegExp(`^authbot_status_answers_total\\{source="${source}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0,
    );
  return { recent: count('recent_read'), proxy: count('proxy_read') };
}

/** Heap used / total and external memory of the bot, from its own /metrics (prom-client default metrics). */
async function heapFigures(url: string): Promise<string> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const mb = (name: string) => {
    const m = new RegExp(`^authbot_${name} (\\S+)$`, 'm').exec(text);
    return m ? `${(Number(m[1]) / 1024 / 1024).toFixed(1)} MB` : '?';
  };
  return `heap used ${mb('nodejs_heap_size_used_bytes')}, heap total ${mb('nodejs_heap_size_total_bytes')}, external ${mb('nodejs_external_memory_bytes')}`;
}
