// Starts test/e2e/replica-process.ts as a child process and sends it signed slash commands and clicks
// the way Slack does (the same payloads as harness.ts, over real HTTP to another process).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOT_TOKEN, SIGNING_SECRET } from './harness.js';
import { nowSeconds, signSlackRequest } from './signing.js';

const root = new URL('../..', import.meta.url).pathname;

export interface Replica {
  child: ChildProcess;
  url: string;
  output(): string;
  command(text: string, user: string, responseUrl: string): Promise<Response>;
  click(
    actionId: string,
    value: string,
    user: string,
    messageTs: string,
    responseUrl: string,
  ): Promise<Response>;
  stop(): Promise<void>;
}

export async function spawnReplica(options: {
  env: Record<string, string>;
  policy: string;
  slackApiUrl: string;
  leaseMs: number;
}): Promise<Replica> {
  const dir = mkdtempSync(join(tmpdir(), 'authbot-replica-'));
  const policyFile = join(dir, 'policy.yml');
  writeFileSync(policyFile, options.policy);
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/replica-process.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: options.slackApiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      AUTHBOT_POLICY_FILE: policyFile,
      AUTHBOT_TEST_LEASE_MS: String(options.leaseMs),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!url) {
    url = /^READY (http:\/\/\S+)$/m.exec(out)?.[1];
    if (url) break;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`replica did not start (exit ${child.exitCode}):\n${out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const endpoint = `${url}/slack/events`;
  const signed = (body: string) =>
    fetch(endpoint, { method: 'POST', body, headers: signSlackRequest(SIGNING_SECRET, body, nowSeconds()) });
  return {
    child,
    url,
    output: () => out,
    command(text, user, responseUrl) {
      return signed(
        new URLSearchParams({
          team_id: 'T0FAKE',
          channel_id: 'C0INCIDENT',
          channel_name: 'incident',
          user_id: user,
          user_name: user.toLowerCase(),
          command: '/auth-refresh',
          text,
          api_app_id: 'A0AUTHBOT',
          response_url: responseUrl,
          trigger_id: `${Date.now()}.trigger`,
        }).toString(),
      );
    },
    click(actionId, value, user, messageTs, responseUrl) {
      const payload = {
        type: 'block_actions',
        team: { id: 'T0FAKE', domain: 'fake' },
        user: { id: user, username: user.toLowerCase(), team_id: 'T0FAKE' },
        api_app_id: 'A0AUTHBOT',
        container: { type: 'message', message_ts: messageTs, channel_id: 'C0INCIDENT', is_ephemeral: false },
        trigger_id: `${Date.now()}.trigger`,
        channel: { id: 'C0INCIDENT', name: 'incident' },
        message: { type: 'message', ts: messageTs, text: '', blocks: [] },
        response_url: responseUrl,
        actions: [
          {
            type: 'button',
            action_id: actionId,
            block_id: 'actions',
            value,
            text: { type: 'plain_text', text: actionId },
            action_ts: `${Date.now() / 1000}`,
          },
        ],
      };
      return signed(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const exited = new Promise((r) => child.once('exit', r));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
