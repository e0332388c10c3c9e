// Start-up's first Slack call: auth.test through Bolt's app.init(), so a bad token stops the bot at once
// with a message that names the variable, not at the first command.
import type { App } from '@slack/bolt';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

const BAD_TOKEN_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);

/** Calls auth.test through app.init(): a bad token fails here, at start-up, with a message that names it. */
export async function initSlack(app: App, config: Config): Promise<void> {
  try {
    await app.init();
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code && BAD_TOKEN_ERRORS.has(code)) {
      throw new AppError('bad_config', `Slack rejected SLACK_BOT_TOKEN (${code}).`, {
        hint: 'Copy the Bot User OAuth Token (xoxb-...) from "OAuth & Permissions" of the app created from manifest.yml.',
      });
    }
    throw new AppError(
      'slack_error',
      `Could not reach Slack to check SLACK_BOT_TOKEN: ${(err as Error).message}`,
      {
        hint: config.slack.apiUrl ? 'Check SLACK_API_URL.' : 'Check the network path to slack.com.',
      },
    );
  }
}
