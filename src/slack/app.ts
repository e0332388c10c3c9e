// Bolt wiring only: builds the App in HTTP or Socket Mode and hands it to each listener's register function.
import { App, type webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Route } from '../http/routes.js';
import { boltLogLevel, toBoltLogger } from '../logger.js';

/** A function that adds listeners (commands, actions) to the app. One per file under commands/ and actions/. */
export type Registrar = (app: App) => void;

export interface SlackAppOptions {
  config: Config;
  logger: Logger;
  routes: Route[];
  /** Overrides for the Web API client (tests shorten retries and timeouts). */
  clientOptions?: Partial<webApi.WebClientOptions>;
}

const DEFAULT_CLIENT_OPTIONS: Partial<webApi.WebClientOptions> = {
  timeout: 10_000,
  // 429s are queued and retried by the WebClient after Retry-After; other failures get a few quick retries
  retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000 },
  rejectRateLimitedCalls: false,
};

export interface SlackApp {
  app: App;
  /** The slash commands the registrars registered, in order (checked against manifest.yml by a test). */
  commands: string[];
}

export function createSlackApp(options: SlackAppOptions, registrars: Registrar[]): SlackApp {
  const { config, logger } = options;
  const slack = config.slack;
  const clientOptions: webApi.WebClientOptions = {
    ...DEFAULT_CLIENT_OPTIONS,
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    ...options.clientOptions,
  };
  const common = {
    logger: toBoltLogger(logger, config.logLevel),
    logLevel: boltLogLevel(config.logLevel),
    deferInitialization: true,
    clientOptions,
    ...(slack.botToken ? { token: slack.botToken } : {}),
  };
  const app = slack.socketMode
    ? new App({ ...common, socketMode: true, ...(slack.appToken ? { appToken: slack.appToken } : {}) })
    : new App({
        ...common,
        ...(slack.signingSecret ? { signingSecret: slack.signingSecret } : {}),
        endpoints: '/slack/events',
        customRoutes: options.routes,
      });
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  const commands: string[] = [];
  const registerCommand = app.command.bind(app);
  app.command = ((name: string, ...listeners: Parameters<App['command']>[1][]) => {
    commands.push(name);
    return registerCommand(name, ...listeners);
  }) as App['command'];
  for (const register of registrars) register(app);
  return { app, commands };
}
