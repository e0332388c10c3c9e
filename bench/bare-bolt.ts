// The baseline for the ack benchmark: a bare Bolt app (HTTP mode) that only acknowledges one slash command.
// It gets the two runtime choices the bot makes that are not about its own logic, so the comparison is about
// the bot's work alone: no conversation store (Bolt's default one costs every request) and the bot's Node
// flags (bench/build.ts).
// With BENCH_RESPOND=1 it also answers each command through response_url with a fixed message, as the bot
// answers every command: a second baseline that does the same user-visible work with no logic behind it.
// Run as a child process by bench/run.ts: BENCH_PORT, BENCH_COMMAND, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN,
// SLACK_API_URL (the fake Slack, for auth.test at init).
import { App, LogLevel } from '@slack/bolt';

const env = process.env;
const app = new App({
  signingSecret: env.SLACK_SIGNING_SECRET ?? '',
  token: env.SLACK_BOT_TOKEN ?? '',
  deferInitialization: true,
  convoStore: false,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: env.SLACK_API_URL ?? '', retryConfig: { retries: 0 } },
  customRoutes: [
    {
      path: '/healthz',
      method: 'GET',
      handler: (_req, res) => {
        res.writeHead(200);
        res.end('ok');
      },
    },
  ],
});
const answer = env.BENCH_RESPOND === '1';
app.command(env.BENCH_COMMAND ?? '/auth-status', async ({ ack, respond }) => {
  await ack();
  if (answer) void respond({ response_type: 'ephemeral', text: 'ok' }).catch(() => undefined);
});
await app.init();
await app.start({ port: Number(env.BENCH_PORT), host: '127.0.0.1' });
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
