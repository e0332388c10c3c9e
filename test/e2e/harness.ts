// Runs the real bot (real Bolt app, real HTTP on 127.0.0.1) against a fake Slack Web API, and sends it
// signed slash commands and button clicks the way Slack does.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { type BotOptions, type RunningBot, startBot } from '../../src/main.js';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.js';
import { nowSeconds, signSlackRequest } from './signing.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-token';

export interface StartOptions {
  /** Extra environment (CLIPROXY_URL, CLIPROXY_MANAGEMENT_KEY, ...). */
  env?: Record<string, string | undefined>;
  /** Policy YAML; written to a temp file and passed as AUTHBOT_POLICY_FILE. */
  policy?: string;
  /** Reuse a fake Slack (e.g. across a restart). */
  slack?: FakeSlack;
  /** Reuse a data directory (e.g. across a restart). */
  dataDir?: string;
  /** Extra startBot options (e.g. drainTimeoutMs). */
  botOptions?: Omit<BotOptions, 'logDestination'>;
}

export interface Harness {
  bot: RunningBot;
  slack: FakeSlack;
  dataDir: string;
  env: Record<string, string | undefined>;
  /** Everything the bot logged, as text. */
  logs(): string;
  /** POSTs a raw body with the given headers to /slack/events. */
  post(body: string, headers: Record<string, string>): Promise<Response>;
  /** Sends a signed slash command; returns the HTTP response (the ack). */
  command(
    name: string,
    text: string,
    who?: { user?: string; channel?: string; responseUrl?: string },
  ): Promise<Response>;
  /** Sends a signed block_actions click. */
  click(
    actionId: string,
    value: string,
    who?: { user?: string; channel?: string; messageTs?: string; responseUrl?: string; blockId?: string },
  ): Promise<Response>;
  /** Stops the bot (the fake Slack stays up unless closeSlack). */
  stop(closeSlack?: boolean): Promise<void>;
}

export async function startHarness(options: StartOptions = {}): Promise<Harness> {
  const slack = options.slack ?? (await startFakeSlack({ botToken: BOT_TOKEN }));
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'authbot-e2e-'));
  const env: Record<string, string | undefined> = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    AUTHBOT_DATABASE_URL: `file:${join(dataDir, 'auth-bot.sqlite')}`,
    LOG_LEVEL: 'debug',
    ...options.env,
  };
  if (options.policy !== undefined) {
    const policyPath = join(dataDir, 'policy.yml');
    writeFileSync(policyPath, options.policy);
    env.AUTHBOT_POLICY_FILE = policyPath;
  }
  let logText = '';
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logText += chunk.toString();
      cb();
    },
  });
  const bot = await startBot(loadConfig(env), {
    logDestination: destination,
    slackClientOptions: { retryConfig: { retries: 0 }, timeout: 5000 },
    ...options.botOptions,
  });
  const endpoint = `${bot.url}/slack/events`;
  const post = (body: string, headers: Record<string, string>) =>
    fetch(endpoint, { method: 'POST', body, headers });
  const signed = (body: string) => post(body, signSlackRequest(SIGNING_SECRET, body, nowSeconds()));

  return {
    bot,
    slack,
    dataDir,
    env,
    logs: () => logText,
    post,
    command(name, text, who = {}) {
      const body = new URLSearchParams({
        token: 'legacy-verification-token',
        team_id: 'T0FAKE',
        team_domain: 'fake',
        channel_id: who.channel ?? 'C0INCIDENT',
        channel_name: 'incident',
        user_id: who.user ?? 'U0ALICE',
        user_name: (who.user ?? 'U0ALICE').toLowerCase(),
        command: name,
        text,
        api_app_id: 'A0AUTHBOT',
        response_url: who.responseUrl ?? slack.responseUrl(),
        trigger_id: `${Date.now()}.trigger`,
      }).toString();
      return signed(body);
    },
    click(actionId, value, who = {}) {
      const channel = who.channel ?? 'C0INCIDENT';
      const payload = {
        type: 'block_actions',
        team: { id: 'T0FAKE', domain: 'fake' },
        user: { id: who.user ?? 'U0BOB', username: (who.user ?? 'U0BOB').toLowerCase(), team_id: 'T0FAKE' },
        api_app_id: 'A0AUTHBOT',
        token: 'legacy-verification-token',
        container: {
          type: 'message',
          message_ts: who.messageTs ?? '1700000001.000100',
          channel_id: channel,
          is_ephemeral: false,
        },
        trigger_id: `${Date.now()}.trigger`,
        channel: { id: channel, name: 'incident' },
        message: { type: 'message', ts: who.messageTs ?? '1700000001.000100', text: '', blocks: [] },
        response_url: who.responseUrl ?? slack.responseUrl(),
        actions: [
          {
            type: 'button',
            action_id: actionId,
            block_id: who.blockId ?? 'actions',
            value,
            text: { type: 'plain_text', text: actionId },
            action_ts: `${Date.now() / 1000}`,
          },
        ],
      };
      return signed(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    },
    async stop(closeSlack = true) {
      await bot.stop();
      if (closeSlack) await slack.close();
    },
  };
}
