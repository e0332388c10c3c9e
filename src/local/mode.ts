// Deciding on local mode, and the bot's configuration in it: Slack settings point at the stand-in,
// the bot listens on loopback only, and the demo policy stands in for a missing policy file.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { ASSETS_DIR } from './assets.js';
import type { StandIn } from './stand-in.js';

export const DEMO_POLICY_FILE = fileURLToPath(new URL('demo-policy.yml', ASSETS_DIR));

/** Local mode: asked for (`serve --local`), or none of the three Slack settings is set. */
export function wantsLocalMode(config: Config, forced: boolean): boolean {
  const { botToken, signingSecret, appToken } = config.slack;
  return forced || (botToken === undefined && signingSecret === undefined && appToken === undefined);
}

export function localBotConfig(
  config: Config,
  standIn: Pick<StandIn, 'apiUrl' | 'botToken' | 'signingSecret'>,
): Config {
  const useDemoPolicy = !config.policyFileExplicit && !existsSync(config.policyFile);
  return {
    ...config,
    slack: {
      botToken: standIn.botToken,
      signingSecret: standIn.signingSecret,
      appToken: undefined,
      apiUrl: standIn.apiUrl,
      socketMode: false,
    },
    // the bot's own listener is internal: only the stand-in talks to it
    http: { port: 0, host: '127.0.0.1' },
    ...(useDemoPolicy ? { policyFile: DEMO_POLICY_FILE, policyFileExplicit: true } : {}),
  };
}
