// Starts `auth-bot serve` as a real child process (node --import tsx src/cli.ts serve) and waits for
// local mode's "Open URL/" line. For the local-mode tests that drive the process over HTTP or a browser.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;

export interface LocalProcess {
  url: string;
  child: ChildProcess;
  dataDir: string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export async function spawnServe(
  env: Record<string, string>,
  args: string[] = [],
  cwd: string = mkdtempSync(join(tmpdir(), 'authbot-local-')),
): Promise<LocalProcess> {
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
  const child = spawn(process.execPath, ['--import', tsx, join(root, 'src', 'cli.ts'), 'serve', ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = once(child, 'exit');
  const deadline = Date.now() + 45_000;
  let url: string | undefined;
  while (!url && Date.now() < deadline && child.exitCode === null) {
    url = /Open (http:\/\/127\.0\.0\.1:\d+)\/ in a browser/.exec(stderr)?.[1];
    if (!url) await new Promise((r) => setTimeout(r, 100));
  }
  if (!url) {
    child.kill('SIGKILL');
    throw new Error(`local mode did not start:\n${stderr}\n${stdout.slice(-3000)}`);
  }
  return {
    url,
    child,
    dataDir: cwd,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
