// `auth-bot serve` decides on local mode as a real process: no Slack settings -> local mode on loopback
// (whatever HOST says), some but not all -> exit 2, --local forces it; the page and health routes answer.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { networkInterfaces, tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalProcess, root, spawnServe } from './spawn-local.js';

let running: LocalProcess | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** The log goes to stdout asynchronously: waits for `text` to show up there. */
async function stdoutShows(p: LocalProcess, text: string): Promise<boolean> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    if (p.stdout().includes(text)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** An address of this machine that is not loopback, when it has one. */
function externalAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
}

describe('auth-bot serve in local mode', () => {
  it('starts local mode with no Slack settings: banner in the log and on the page, loopback only, health routes', async () => {
    running = await spawnServe({ HOST: '0.0.0.0' });
    expect(running.stderr()).toContain('LOCAL MODE — not connected to Slack');
    expect(await stdoutShows(running, '"msg":"LOCAL MODE — not connected to Slack.')).toBe(true);
    const page = await fetch(`${running.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('LOCAL MODE — not connected to Slack');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    const metrics = await fetch(`${running.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# HELP');
    // no proxy runs: /readyz says not ready, on the page's port
    expect((await fetch(`${running.url}/readyz`)).status).toBe(503);
    expect(await stdoutShows(running, 'U0LOCALALICE')).toBe(true); // the demo policy was loaded
    const port = new URL(running.url).port;
    const external = externalAddress();
    if (external) {
      // HOST=0.0.0.0 was ignored: nothing answers on the machine's other address
      await expect(fetch(`http://${external}:${port}/healthz`)).rejects.toThrow();
    }
    expect(await running.stop()).toBe(0);
  }, 60_000);

  it('--local forces local mode while Slack settings are in the environment', async () => {
    running = await spawnServe(
      { SLACK_BOT_TOKEN: 'xoxb-real-looking', SLACK_SIGNING_SECRET: 'a-real-secret' },
      ['--local'],
    );
    expect(running.stderr()).toContain('LOCAL MODE');
    expect(running.stdout()).not.toContain('xoxb-real-looking');
    expect((await fetch(`${running.url}/`)).status).toBe(200);
  }, 60_000);

  it('with some but not all Slack settings exits 2 naming what is missing', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), PORT: '0', SLACK_APP_TOKEN: 'xapp-1-abc' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('SLACK_BOT_TOKEN: missing');
    expect(stderr).not.toContain('LOCAL MODE');
  }, 60_000);

  it('refuses an unknown argument with exit 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--locale'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('--locale');
  }, 60_000);
});
