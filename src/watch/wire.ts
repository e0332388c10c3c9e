// Wires the credential watch into a running bot: the /auth-watch command and alert buttons always (so
// people are told when the watch is off), the poll loop only when AUTHBOT_WATCH_CHANNEL is set.
import type { App } from '@slack/bolt';
import type { ApprovalEngine } from '../approvals/engine.js';
import type { ManagementClient } from '../cliproxy/types.js';
import type { Config } from '../config.js';
import type { Policy } from '../domain/approvals/policy.js';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import { registerWatchActions } from '../slack/actions/watch.js';
import { registerWatchCommand } from '../slack/commands/watch.js';
import { createSlackMessenger } from '../slack/messenger.js';
import type { Store } from '../store/types.js';
import { createWatchMetrics } from './metrics.js';
import { Watcher } from './watcher.js';

export interface WatchWiringDeps {
  config: Config;
  store: Store;
  client: ManagementClient;
  policy: Pick<Policy, 'channels'>;
  logger: Logger;
  metrics: Metrics;
  engine: () => Pick<ApprovalEngine, 'requestAction' | 'requestCooldownReset'> | undefined;
  now: () => number;
  knownActions: readonly string[];
}

export interface WatchWiring {
  register(app: App): void;
  start(): void;
  stop(): Promise<void>;
}

export function createWatchWiring(deps: WatchWiringDeps): WatchWiring {
  const logger = deps.logger.child({ component: 'watch' });
  const proxy = deps.config.proxy.url;
  const channel = deps.config.watch.channel;
  let watcher: Watcher | undefined;
  return {
    register(app) {
      registerWatchCommand(app, {
        store: deps.store,
        logger,
        policy: deps.policy,
        proxy,
        now: deps.now,
        enabled: channel !== undefined,
      });
      registerWatchActions(app, {
        store: deps.store,
        engine: deps.engine,
        policy: deps.policy,
        logger,
        proxy,
        now: deps.now,
        knownActions: deps.knownActions,
      });
      if (channel === undefined) return;
      watcher = new Watcher({
        store: deps.store,
        client: deps.client,
        messenger: createSlackMessenger({
          client: app.client,
          logger,
          // a rate-limited alert is retried after Retry-After; one still refused is posted by the next poll
          attempts: 8,
          onError: (method, error) => deps.metrics.slackError(method, error),
          onRateLimited: (method) => deps.metrics.slackRateLimited(method),
        }),
        logger,
        settings: { ...deps.config.watch, channel },
        proxy,
        now: deps.now,
        metrics: createWatchMetrics(deps.metrics.registry),
      });
    },
    start() {
      if (!watcher) {
        logger.info('credential watch off: AUTHBOT_WATCH_CHANNEL is not set');
        return;
      }
      logger.info(
        { channel, intervalMs: deps.config.watch.intervalMs, owner: watcher.owner },
        'credential watch on',
      );
      watcher.start();
    },
    async stop() {
      await watcher?.stop();
    },
  };
}
