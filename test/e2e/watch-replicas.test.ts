// Two real bot processes (node src/cli.ts serve) with the watch on, sharing one PostgreSQL database, the
// fake Slack and the fake proxy: one message per alert, one digest; the leader killed, the other takes
// over within two intervals and does not re-post what already fired.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';
import { type FakeSlack, type SlackCall, startFakeSlack } from '../fakes/fake-slack.js';
import { startPostgres, type TestPostgres, testDatabases } from '../setup/postgres.js';

const root = new URL('../..', import.meta.url).pathname;
let pg: TestPostgres;
const dbs = testDatabases(() => pg.url);
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await dbs.dropAll();
  await pg?.stop();
});

const children: ChildProcess[] = [];
let slack: FakeSlack | undefined;
let proxy: FakeProxy | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await once(c, 'exit');
    }
  }
  await slack?.close();
  await proxy?.close();
});

function startBotProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('auth-bot started')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`bot exited with ${code}:\n${out}`)));
  });
}

const text = (c: SlackCall) => `${String(c.args.text)} ${JSON.stringify(c.args.blocks ?? [])}`;
const alerts = (s: FakeSlack, words: string) =>
  s.calls.filter(
    (c) => c.method === 'chat.postMessage' && c.args.thread_ts === undefined && text(c).includes(words),
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the watch on two real bot processes', () => {
  it('posts one message per alert and one digest; after the leader dies the other resolves it', async () => {
    const database = await dbs.create();
    proxy = await startFakeProxy({
      files: [
        kiroIdcFile({ name: 'kiro-a.json', expiresAt: new Date(Date.now() - 60_000).toISOString() }).file,
      ],
    });
    slack = await startFakeSlack({ botToken: 'xoxb-test-token' });
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'test-signing-secret',
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      CLIPROXY_URL: proxy.url,
      CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
      AUTHBOT_DATABASE_URL: database,
      AUTHBOT_WATCH_CHANNEL: 'C0WATCH',
      AUTHBOT_WATCH_INTERVAL: '1s',
      AUTHBOT_DIGEST_AT: '00:00',
      AUTHBOT_POLICY_FILE: '',
    };
    const leader = await startBotProcess(env);
    const s = slack;
    await s.waitFor((c) => alerts(s, 'Token expired').includes(c), 15_000);
    await startBotProcess(env);
    await sleep(3500);
    expect(alerts(s, 'Token expired')).toHaveLength(1);
    expect(alerts(s, 'Credential digest')).toHaveLength(1);

    leader.kill('SIGKILL');
    await once(leader, 'exit');
    await sleep(2500);
    // the survivor holds the state: it did not re-post the firing alert or the digest
    expect(alerts(s, 'Token expired')).toHaveLength(1);
    expect(alerts(s, 'Credential digest')).toHaveLength(1);
    proxy.putFile(
      kiroIdcFile({ name: 'kiro-a.json', expiresAt: new Date(Date.now() + 86_400_000).toISOString() }).file,
    );
    const alertTs = alerts(s, 'Token expired')[0]?.args;
    expect(alertTs).toBeDefined();
    // the lease runs out two intervals after the leader's last poll; two clean polls resolve the alert
    const changed = Date.now();
    await s.waitFor((c) => c.method === 'chat.update' && text(c).includes('Resolved'), 15_000);
    expect(Date.now() - changed).toBeLessThan(8_000);
    expect(alerts(s, 'Token expired')).toHaveLength(1);
  }, 90_000);
});
