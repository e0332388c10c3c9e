// `auth-bot serve` (npm start): runs the Slack bot until SIGTERM/SIGINT.
import { ConfigError, loadConfig } from '../config.js';
import { describeError, formatError } from '../errors.js';
import { wantsLocalMode } from '../local/mode.js';
import { startBot, startLocalBot } from '../main.js';
import { type CliCommand, EXIT, writeLine } from './types.js';

const SETUP_HELP = `To create the Slack app:
  1. https://api.slack.com/apps -> "Create New App" -> "From an app manifest", paste manifest.yml from this repo.
  2. Install it to your workspace; copy the Bot User OAuth Token (xoxb-...) into SLACK_BOT_TOKEN.
  3. Socket Mode (the manifest's default): "Basic Information" -> App-Level Tokens -> create one with
     connections:write and put it (xapp-...) in SLACK_APP_TOKEN.
     HTTP mode instead: set SLACK_SIGNING_SECRET ("Basic Information" -> Signing Secret), turn Socket Mode
     off and point the slash commands and interactivity at https://YOUR-HOST/slack/events.
  4. Point the bot at the proxy: CLIPROXY_URL (default http://127.0.0.1:8317) and CLIPROXY_MANAGEMENT_KEY.
See README.md, "Creating the Slack app".`;

export const serveCommand: CliCommand = {
  name: 'serve',
  summary:
    'run the Slack bot (HTTP mode, Socket Mode when SLACK_APP_TOKEN is set, local mode with no Slack settings)',
  usage: `Usage: auth-bot serve [--local]

Runs the bot until SIGTERM or SIGINT. Configuration comes from the environment (see README.md).
With none of SLACK_BOT_TOKEN, SLACK_APP_TOKEN and SLACK_SIGNING_SECRET set (or with --local), it starts
in local mode: no Slack workspace, a page at http://127.0.0.1:PORT/ that shows a channel with the bot.

${SETUP_HELP}`,
  async run(args, ctx) {
    const unexpected = args.find((a) => a !== '--local');
    if (unexpected !== undefined) {
      writeLine(ctx.stderr, `auth-bot serve: unexpected argument "${unexpected}"\n`);
      return EXIT.usage;
    }
    let bot: Awaited<ReturnType<typeof startBot>>;
    try {
      const config = loadConfig(ctx.env);
      if (wantsLocalMode(config, args.includes('--local'))) {
        bot = await startLocalBot(config);
        writeLine(ctx.stderr, `LOCAL MODE — not connected to Slack. Open ${bot.url}/ in a browser.`);
      } else bot = await startBot(config);
    } catch (err) {
      if (err instanceof ConfigError) {
        writeLine(ctx.stderr, `auth-bot cannot start. ${err.message}\n\n${SETUP_HELP}`);
        return EXIT.usage;
      }
      const d = describeError(err);
      writeLine(ctx.stderr, `auth-bot cannot start: ${formatError(d)}`);
      return d.code === 'bad_config' ? EXIT.usage : EXIT.unhealthy;
    }
    // a background task that fails without a handler must not take the bot down at 3 a.m.: log it loudly
    process.on('unhandledRejection', (reason) => {
      bot.logger.error({ err: reason }, 'unhandled promise rejection (a bug in the bot; it keeps running)');
    });
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        bot.logger.info({ signal }, 'signal received');
        void bot.stop().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    return EXIT.ok;
  },
};
