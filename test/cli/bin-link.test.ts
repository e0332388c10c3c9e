// The CLI started the way npm starts it: through a symlink named `auth-bot` (node_modules/.bin, a global
// install, npx), both to the built dist/cli.js and to src/cli.ts under tsx.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'authbot-bin-'));
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('auth-bot started through a bin symlink', () => {
  it('runs dist/cli.js through a symlink named auth-bot, as npm links the bin', () => {
    const link = join(dir, 'auth-bot');
    symlinkSync(join(root, 'dist', 'cli.js'), link);
    chmodSync(join(root, 'dist', 'cli.js'), 0o755);
    const r = spawnSync(link, ['--help'], { cwd: dir, env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: auth-bot <command> [options]');
    expect(r.stdout).toContain('runbook check');
  });

  it('answers a command through the link, exit code included (unknown command: 2)', () => {
    const link = join(dir, 'auth-bot');
    const r = spawnSync(link, ['no-such-command'], { cwd: dir, env, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "no-such-command"');
  });

  it('runs src/cli.ts under tsx through a symlink named auth-bot', () => {
    const link = join(dir, 'auth-bot-src', 'auth-bot');
    spawnSync('mkdir', ['-p', join(dir, 'auth-bot-src')]);
    symlinkSync(join(root, 'src', 'cli.ts'), link);
    const r = spawnSync(process.execPath, ['--import', 'tsx', link, '--help'], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: auth-bot <command> [options]');
  });

  it('does not run the CLI when a module imports runCli', async () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', "await import('./src/cli.ts'); console.log('imported');"],
      { cwd: root, env, encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('imported');
    expect(r.stderr).not.toContain('Usage');
  });
});
