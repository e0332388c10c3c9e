// Bolt wiring only: builds the App in HTTP or Socket Mode and hands it to each listener's register function.
import { App, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Metrics } from '../http/metrics.js';
import type { Route } from '../http/routes.js';
import { boltLogLevel, toBoltLogger } from '../logger.js';

/** A function that adds listeners (commands, actions) to the app. One per file under commands/ and actions/. */
export type Registrar = (app: App) => void;

export interface SlackAppOptions {
  config: Config;
  logger: Logger;
  routes: Route[];
  metrics: Metrics;
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
    // no conversation store: the bot keeps no per-conversation state, and Bolt's default one costs every event
    convoStore: false as const,
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
  countListeners(app, options.metrics);
  app.client.on(webApi.WebClientEvent.RATE_LIMITED, (_retryAfter: number, info: { url?: string }) => {
    options.metrics.slackRateLimited(methodOf(info.url));
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

function methodOf(url: string | undefined): string {
  return url?.split('/').filter(Boolean).pop()?.split('?')[0] ?? 'unknown';
}

/** Names what Slack delivered: the slash command, or the button's action_id family ("approve", "check_run"). */
function listenerName(body: Record<string, unknown>): string | undefined {
  if (typeof body.command === 'string') return body.command;
  const actions = body.actions as { action_id?: string }[] | undefined;
  const id = actions?.[0]?.action_id;
  return id ? id.split(':')[0] : undefined;
}

/** Global middleware: counts every command and button by name and outcome (ok / error). */
function countListeners(app: App, metrics: Metrics): void {
  app.use(async ({ body, next }) => {
    const name = listenerName(body as unknown as Record<string, unknown>);
    if (!name) return next();
    try {
      await next();
      metrics.command(name, 'ok');
    } catch (err) {
      metrics.command(name, 'error');
      throw err;
    }
  });
}
