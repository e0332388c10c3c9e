// Child processes for the ack benchmark: spawn, wait until /healthz answers, sample memory from
// /proc/PID/status (VmRSS while running, VmHWM = peak), stop with SIGTERM.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { WorldInfo, WorldStats } from './world.js';

export interface Child {
  pid: number;
  url: string;
  /** Resident set size now, MB (VmRSS). */
  rssMb(): number;
  /** Peak resident set size since start, MB (VmHWM). */
  peakRssMb(): number;
  /** Open file descriptors (sockets included) now. */
  openFds(): number;
  stderr(): string;
  /** SIGTERM, then SIGKILL after 20 s; resolves to how the process ended and after how many ms. */
  stop(): Promise<{ ms: number; how: string }>;
}

/**
 * CPU placement. On a machine with at least 2 CPUs and `taskset`, the app under test gets CPU 1 to itself
 * and everything that stands in for the outside world (this load generator, the fake Slack and proxy)
 * shares CPU 0, as Slack and the proxy would run elsewhere in production. The same for every app measured.
 * BENCH_PIN=0 turns it off (everything floats over every CPU).
 */
export const pinning: { app: string; world: string } | undefined = (() => {
  if (process.env.BENCH_PIN === '0' || process.platform !== 'linux') return undefined;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const cpus = (process.env.BENCH_CPUS ?? '').split(',').filter(Boolean);
  const online = cpusOnline();
  if (online.length < 2) return undefined;
  return { world: cpus[0] ?? String(online[0]), app: cpus[1] ?? String(online[1]) };
})();

function cpusOnline(): number[] {
  try {
    const mask = execFileSync('taskset', ['-p', String(process.pid)], { encoding: 'utf8' })
      .split(':')
      .pop();
    const bits = BigInt(`0x${(mask ?? '').trim()}`);
    return Array.from({ length: 64 }, (_, i) => i).filter((i) => (bits >> BigInt(i)) & 1n);
  } catch {
    return [];
  }
}

/** Moves every thread of process `pid` to `cpu` (no-op without pinning). */
export function pin(pid: number, cpu: string | undefined): void {
  if (cpu === undefined) return;
  execFileSync('taskset', ['-a', '-p', '-c', cpu, String(pid)], { stdio: 'ignore' });
}

/** `node ARGS`, started under taskset on `cpu` when given (all of its threads inherit the placement). */
function nodeCommand(args: string[], cpu: string | undefined): [string, string[]] {
  return cpu === undefined ? [process.execPath, args] : ['taskset', ['-c', cpu, process.execPath, ...args]];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** CPU time (user + system) a process has used so far, in seconds (Linux: /proc/PID/stat, 100 ticks/s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`child exited with ${child.exitCode}: ${log()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`child did not answer /healthz within ${timeoutMs} ms: ${log()}`);
}

/** Spawns `node ARGS` with `env` on `port` (on the app CPU when pinning); resolves once /healthz answers 200. */
export async function startChild(args: string[], env: NodeJS.ProcessEnv, port: number, logFile?: string) {
  const out = logFile ? openSync(logFile, 'w') : 'ignore';
  const [file, argv] = nodeCommand(args, pinning?.app);
  const child = spawn(file, argv, {
    env,
    stdio: ['ignore', out, 'pipe'],
  });
  if (typeof out === 'number') closeSync(out);
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, child, () => err);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const pid = child.pid as number;
  return {
    pid,
    url,
    rssMb: () => statusKb(pid, 'VmRSS') / 1024,
    peakRssMb: () => statusKb(pid, 'VmHWM') / 1024,
    openFds: () => readdirSync(`/proc/${pid}/fd`).length,
    stderr: () => err,
    async stop() {
      const started = Date.now();
      if (child.exitCode !== null) return { ms: 0, how: `had exited with ${child.exitCode}` };
      const exited = new Promise<string>((resolve) =>
        child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit ${code}`)),
      );
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const how = await exited;
      clearTimeout(timer);
      return { ms: Date.now() - started, how };
    },
  } satisfies Child;
}

/** Starts bench/world.ts (fake Slack + slow proxy) in its own process; resolves once it printed its URLs. */
export async function startWorld(env: NodeJS.ProcessEnv) {
  const [file, argv] = nodeCommand(['--import', 'tsx', 'bench/world.ts'], pinning?.world);
  const child = spawn(file, argv, {
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-4000);
  });
  const info = await new Promise<WorldInfo>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line) as WorldInfo);
    });
    child.once('exit', (code) => reject(new Error(`bench world exited with ${code}: ${err}`)));
  });
  return {
    ...info,
    pid: child.pid as number,
    stats: () =>
      new Promise<WorldStats>((resolve) => {
        child.once('message', (m) => resolve(m as WorldStats));
        child.send('stats');
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
