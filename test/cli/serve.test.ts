// `auth-bot serve` / `npm start` as a real process: missing settings, a bad token, SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.js';

const root = new URL('../..', import.meta.url).pathname;
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess): () => { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  return () => ({ stdout, stderr });
}

async function run(cmd: string, args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, ...output() };
}

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack({ botToken: 'xoxb-good-token' });
});
afterAll(async () => {
  await slack.close();
});

describe('npm start / auth-bot serve', () => {
  it('with some but not all Slack settings, names the missing ones, explains the manifest and exits 2 without a stack trace', async () => {
    const r = await run('npm', ['start'], { ...baseEnv, SLACK_SIGNING_SECRET: 'secret', PORT: '0' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SLACK_BOT_TOKEN');
    expect(r.stderr).toContain('SLACK_SIGNING_SECRET');
    expect(r.stderr).toContain('SLACK_APP_TOKEN');
    expect(r.stderr).toContain('manifest.yml');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 60_000);

  it('fails at start-up with exit 2 when Slack rejects the bot token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authbot-serve-'));
    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
      ...baseEnv,
      SLACK_BOT_TOKEN: 'xoxb-revoked-token',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      AUTHBOT_DATABASE_URL: `file:${join(dir, 'db.sqlite')}`,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SLACK_BOT_TOKEN');
    expect(r.stderr).toContain('invalid_auth');
    expect(r.stderr).not.toContain('xoxb-revoked-token');
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 60_000);

  it('fails at start-up with exit 2 naming AUTHBOT_SNAPSHOT_KEY when the database holds encrypted snapshots', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authbot-serve-'));
    const url = `file:${join(dir, 'db.sqlite')}`;
    const keyed = await openStore(url, { snapshotKey: randomBytes(32) });
    await keyed.putSnapshot(
      { id: '20260101-000000-abcd', takenAt: 1, hash: 'h', content: 'secret: x', reason: 'interval' },
      10,
    );
    await keyed.close();
    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
      ...baseEnv,
      SLACK_BOT_TOKEN: 'xoxb-good-token',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      AUTHBOT_DATABASE_URL: url,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('AUTHBOT_SNAPSHOT_KEY');
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 60_000);

  it('serves /healthz in HTTP mode and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authbot-serve-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
      cwd: root,
      env: {
        ...baseEnv,
        SLACK_BOT_TOKEN: 'xoxb-good-token',
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        AUTHBOT_DATABASE_URL: `file:${join(dir, 'db.sqlite')}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collect(child);
    const deadline = Date.now() + 30_000;
    let url: string | undefined;
    while (!url && Date.now() < deadline) {
      url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output().stdout)?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 100));
    }
    expect(url, output().stderr).toBeDefined();
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(output().stdout).toContain('auth-bot stopped');
  }, 60_000);
});
