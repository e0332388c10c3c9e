// No request can crash the bot: a real `auth-bot serve` process (Socket Mode, where the bot runs its own
// node:http server for /healthz, /readyz and /metrics, and HTTP mode, where Bolt's receiver serves them)
// takes a few hundred odd requests over raw TCP (bad URLs, huge headers, bad methods, truncated and
// malformed bodies) and still answers /healthz afterwards.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, startFakeProxy } from '../fakes/fake-proxy.js';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.js';
import { type FakeSocket, startFakeSocket } from '../fakes/fake-socket.js';

const root = new URL('../..', import.meta.url).pathname;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

interface Bot {
  url: string;
  child: ChildProcess;
  output: () => string;
}

async function startBot(env: Record<string, string>): Promise<Bot> {
  const dir = mkdtempSync(join(tmpdir(), 'authbot-fuzz-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      PORT: '0',
      HOST: '127.0.0.1',
      AUTHBOT_DATABASE_URL: `file:${join(dir, 'db.sqlite')}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  closers.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
  const deadline = Date.now() + 45_000;
  let url: string | undefined;
  while (!url && Date.now() < deadline && child.exitCode === null) {
    url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1];
    if (!url) await new Promise((r) => setTimeout(r, 100));
  }
  if (!url) throw new Error(`the bot did not start:\n${output}`);
  return { url, child, output: () => output };
}

/** Sends raw bytes, optionally half-closing, and resolves when the server closes or after a short wait. */
function sendRaw(url: string, bytes: Buffer | string, end = true): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(port), hostname);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(done, 1500);
    socket.on('data', (d) => {
      answer += d.toString('latin1');
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes, () => {
      if (end) socket.end();
    });
  });
}

const PATHS = [
  '//',
  '///',
  '//evil.example/healthz',
  '//:0',
  '//[',
  '/healthz/../readyz',
  '/%',
  '/%zz',
  '/%00',
  '/readyz?%',
  '/metrics#frag',
  'http://[::1',
  'http://',
  '*',
  '\\\\',
  '/\u00e9',
  `/${'a'.repeat(70_000)}`,
  `/readyz?${'x='.repeat(5_000)}`,
  '/slack/events',
  '/healthz?x=1&x=2',
];
const METHODS = ['GET', 'POST', 'HEAD', 'OPTIONS', 'DELETE', 'PUT', 'FOO', 'get', 'CONNECT', 'PRI'];

function requests(): (Buffer | string)[] {
  const out: (Buffer | string)[] = [];
  for (const path of PATHS) {
    for (const method of METHODS) out.push(`${method} ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  }
  for (const method of METHODS) out.push(`${method} / HTTP/1.1\r\nHost: x\r\n\r\n`);
  const odd = [
    'G ET / HTTP/1.1\r\n\r\n',
    'GET\r\n\r\n',
    'GET /healthz\r\n\r\n', // HTTP/0.9 style
    'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad\u0000: y\r\n\r\n',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nno-colon-header\r\n\r\n',
    `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(200_000)}\r\n\r\n`,
    `GET /readyz HTTP/1.1\r\nHost: x\r\n${'X-Many: y\r\n'.repeat(3_000)}\r\n`,
    'POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial',
    'POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
    'POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n',
    'POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
    'POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n',
    'POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel',
    'POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"a":[1,',
    'POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Slack-Request-Timestamp: nope\r\nX-Slack-Signature: v0=00\r\nContent-Length: 7\r\n\r\n%%%&&&=',
    'POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd',
    'POST /readyz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n',
    'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET // HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\n\r\n',
  ];
  out.push(...odd);
  out.push(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1])); // a TLS ClientHello
  for (let i = 0; i < 40; i++) {
    // deterministic binary noise and truncated request lines
    const bytes = Buffer.alloc(64 + i * 13);
    for (let j = 0; j < bytes.length; j++) bytes[j] = (i * 31 + j * 17) % 256;
    out.push(bytes);
    out.push(`GET /${'healthz'.slice(0, i % 8)}`.slice(0, 4 + (i % 12)));
  }
  return out;
}

async function fuzz(bot: Bot): Promise<number> {
  const all = requests();
  let sent = 0;
  for (let i = 0; i < all.length; i += 25) {
    await Promise.all(all.slice(i, i + 25).map((r, k) => sendRaw(bot.url, r, (i + k) % 3 !== 0)));
    sent += all.slice(i, i + 25).length;
    expect(bot.child.exitCode, bot.output()).toBeNull();
  }
  return sent;
}

async function expectAlive(bot: Bot): Promise<void> {
  expect(bot.child.exitCode, bot.output()).toBeNull();
  const health = await fetch(`${bot.url}/healthz`);
  expect(health.status).toBe(200);
  const ready = await fetch(`${bot.url}/readyz`);
  expect([200, 503]).toContain(ready.status);
  expect(bot.output()).not.toMatch(
    /uncaught exception|unhandled rejection|UnhandledPromiseRejection|ERR_UNHANDLED/i,
  );
}

describe('odd requests never crash the bot', () => {
  it('survives a few hundred odd requests in Socket Mode (its own HTTP server)', async () => {
    const slack: FakeSlack = await startFakeSlack({ botToken: 'xoxb-good-token' });
    closers.push(() => slack.close());
    const socket: FakeSocket = await startFakeSocket();
    closers.push(() => socket.close());
    slack.setSocketUrl(socket.url);
    const proxy: FakeProxy = await startFakeProxy();
    closers.push(() => proxy.close());
    const bot = await startBot({
      SLACK_BOT_TOKEN: 'xoxb-good-token',
      SLACK_APP_TOKEN: 'xapp-1-A0AUTHBOT-1-test',
      SLACK_API_URL: slack.apiUrl,
      CLIPROXY_URL: proxy.url,
      CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
    });
    const crash = await sendRaw(bot.url, 'GET // HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(crash).toMatch(/^HTTP\/1\.1 (400|404)/);
    await expectAlive(bot);
    expect(await fuzz(bot)).toBeGreaterThan(300);
    await expectAlive(bot);
  }, 180_000);

  it('survives the same requests in HTTP mode (Bolt serves the routes)', async () => {
    const slack: FakeSlack = await startFakeSlack({ botToken: 'xoxb-good-token' });
    closers.push(() => slack.close());
    const proxy: FakeProxy = await startFakeProxy();
    closers.push(() => proxy.close());
    const bot = await startBot({
      SLACK_BOT_TOKEN: 'xoxb-good-token',
      SLACK_SIGNING_SECRET: 'fuzz-signing-secret',
      SLACK_API_URL: slack.apiUrl,
      CLIPROXY_URL: proxy.url,
      CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
    });
    await expectAlive(bot);
    expect(await fuzz(bot)).toBeGreaterThan(300);
    await expectAlive(bot);
  }, 180_000);
});
