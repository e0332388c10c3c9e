// Deciding on local mode, and the bot's configuration in it: Slack settings point at the stand-in,
// the bot listens on loopback only, and the demo policy stands in for a missing policy file.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { loadPolicy } from '../domain/approvals/load-policy.js';
import { ASSETS_DIR } from './assets.js';
import { type LocalChannelInfo, localChannelFor } from './directory.js';
import type { StandIn } from './stand-in.js';

export const DEMO_POLICY_FILE = fileURLToPath(new URL('demo-policy.yml', ASSETS_DIR));

/** Local mode: asked for (`serve --local`), or none of the three Slack settings is set. */
export function wantsLocalMode(config: Config, forced: boolean): boolean {
  const { botToken, signingSecret, appToken } = config.slack;
  return forced || (botToken === undefined && signingSecret === undefined && appToken === undefined);
}

/** True when local mode runs with the demo policy: no policy file was set and none is at the default path. */
function usesDemoPolicy(config: Config): boolean {
  return !config.policyFileExplicit && !existsSync(config.policyFile);
}

/**
 * The page channel for this configuration (see localChannelFor). Reads the policy file the bot will use,
 * before the stand-in starts, so the stand-in knows the configured channels before the watch's first
 * post; a bad file fails here with the bot's own bad_config error.
 */
export async function localChannelOf(config: Config): Promise<LocalChannelInfo> {
  const policy = usesDemoPolicy(config)
    ? await loadPolicy(DEMO_POLICY_FILE, { explicit: true })
    : await loadPolicy(config.policyFile, { explicit: config.policyFileExplicit });
  return localChannelFor({ watchChannel: config.watch.channel, policyChannels: policy.channels });
}

export function localBotConfig(
  config: Config,
  standIn: Pick<StandIn, 'apiUrl' | 'botToken' | 'signingSecret'>,
): Config {
  const useDemoPolicy = usesDemoPolicy(config);
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
