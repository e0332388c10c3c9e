// Bolt wiring only: builds the App in HTTP or Socket Mode and hands it to each listener's register function.
import { App, MultipleListenerError, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Metrics } from '../http/metrics.js';
import type { Route } from '../http/routes.js';
import { boltLogLevel, toBoltLogger } from '../logger.js';
import type { ListenerGuard } from './guard.js';

/** A function that adds listeners (commands, actions) to the app. One per file under commands/ and actions/. */
export type Registrar = (app: App) => void;

export interface SlackAppOptions {
  config: Config;
  logger: Logger;
  routes: Route[];
  metrics: Metrics;
  /** Overrides for the Web API client (tests shorten retries and timeouts). */
  clientOptions?: Partial<webApi.WebClientOptions>;
  /** Runs around every command and button: the policy's channels, an answer with a reference on errors. */
  guard?: ListenerGuard;
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
  app.client.on(webApi.WebClientEvent.RATE_LIMITED, (_retryAfter: number, info: { url?: string }) => {
    options.metrics.slackRateLimited(methodOf(info.url));
  });
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  const commands = routeListeners(app, options.metrics, registrars, options.guard);
  return { app, commands };
}

function methodOf(url: string | undefined): string {
  return url?.split('/').filter(Boolean).pop()?.split('?')[0] ?? 'unknown';
}

type Listener = (args: never) => Promise<void> | void;
interface ListenerRoute {
  match: string | RegExp;
  listener: Listener;
}

const matches = (match: string | RegExp, value: string | undefined): boolean => {
  if (value === undefined) return false;
  if (typeof match === 'string') return match === value;
  match.lastIndex = 0;
  return match.test(value);
};

/**
 * Gives the registrars' commands and actions to Bolt as ONE command listener and ONE action listener that
 * route by name. Bolt runs the middleware chain of every listener it has for every request it receives
 * (copying the arguments at each step), so a dozen listeners cost a dozen chains per command; the router
 * costs two. Listeners keep Bolt's arguments and semantics (every matching listener runs; errors reach
 * app.error). The router also counts every command and button by name and outcome (ok / error).
 * Registrations the router does not handle (several middleware, block_id or callback_id constraints)
 * go to Bolt as they are, their listener counted too. With a guard, every listener runs inside it (refused
 * outside the policy's channels, errors answered); what it handled is counted, not rethrown.
 * Returns the slash commands registered, in order.
 */
function routeListeners(
  app: App,
  metrics: Metrics,
  registrars: Registrar[],
  guard: ListenerGuard | undefined,
): string[] {
  const commandRoutes: ListenerRoute[] = [];
  const actionRoutes: ListenerRoute[] = [];
  const commands: string[] = [];
  /** The listener inside the guard (when there is one); the outcome to count. */
  const guarded = async (
    name: string,
    args: unknown,
    isAction: boolean,
    run: (args: unknown) => Promise<void>,
  ): Promise<string> => {
    if (guard) return guard.run(name, args, isAction, run);
    await run(args);
    return 'ok';
  };
  const boltCommand = app.command.bind(app);
  const boltAction = app.action.bind(app);
  /** Bolt gets the registration as it is; its last function (the listener) is counted like the routed ones. */
  const toBolt = (
    register: (...args: unknown[]) => void,
    first: unknown,
    listeners: Listener[],
    name: (args: never) => string,
    isAction: boolean,
  ) => {
    const last = listeners.at(-1);
    const counted = async (args: never) => {
      try {
        const run = async (a: unknown) => {
          await last?.(a as never);
        };
        metrics.command(name(args), await guarded(name(args), args, isAction, run));
      } catch (err) {
        metrics.command(name(args), 'error');
        throw err;
      }
    };
    register(first, ...listeners.slice(0, -1), counted);
  };
  const commandName = (args: never) => (args as { command: { command: string } }).command.command;
  const actionName = (args: never) =>
    ((args as { action: { action_id?: string } }).action.action_id ?? 'unknown').split(':')[0] ?? 'unknown';
  app.command = ((name: string | RegExp, ...listeners: Listener[]) => {
    if (typeof name === 'string') commands.push(name);
    const [listener] = listeners;
    if (listeners.length === 1 && listener !== undefined) commandRoutes.push({ match: name, listener });
    else toBolt(boltCommand as (...args: unknown[]) => void, name, listeners, commandName, false);
  }) as App['command'];
  app.action = ((constraint: unknown, ...listeners: Listener[]) => {
    const [listener] = listeners;
    if (
      listeners.length === 1 &&
      listener !== undefined &&
      (typeof constraint === 'string' || constraint instanceof RegExp)
    )
      actionRoutes.push({ match: constraint, listener });
    else toBolt(boltAction as (...args: unknown[]) => void, constraint, listeners, actionName, true);
  }) as App['action'];
  try {
    for (const register of registrars) register(app);
  } finally {
    app.command = boltCommand as App['command'];
    app.action = boltAction as App['action'];
  }

  /** As Bolt gives a listener on a RegExp the match of its own pattern in context.actionIdMatches. */
  const argsFor = (route: ListenerRoute, value: string | undefined, args: unknown, isAction: boolean) => {
    if (!isAction || typeof route.match === 'string' || value === undefined) return args as never;
    const a = args as { context: Record<string, unknown> };
    route.match.lastIndex = 0;
    return { ...a, context: { ...a.context, actionIdMatches: route.match.exec(value) } } as never;
  };
  const dispatch = async (
    routes: ListenerRoute[],
    value: string | undefined,
    name: string,
    args: unknown,
    isAction: boolean,
  ) => {
    const chosen = routes.filter((r) => matches(r.match, value));
    if (chosen.length === 0) return; // as Bolt: nothing listens, nothing acks
    const run = async (given: unknown) => {
      if (chosen.length === 1) {
        const route = chosen[0] as ListenerRoute;
        await route.listener(argsFor(route, value, given, isAction));
      } else {
        const results = await Promise.allSettled(
          chosen.map(async (r) => r.listener(argsFor(r, value, given, isAction))),
        );
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed.length === 1) throw failed[0]?.reason;
        if (failed.length > 1) throw new MultipleListenerError(failed.map((r) => r.reason));
      }
    };
    try {
      metrics.command(name, await guarded(name, args, isAction, run));
    } catch (err) {
      metrics.command(name, 'error');
      throw err;
    }
  };
  if (commandRoutes.length > 0)
    boltCommand(/^/, async (args) => {
      const name = args.command.command;
      await dispatch(commandRoutes, name, name, args, false);
    });
  if (actionRoutes.length > 0)
    boltAction(/^/, async (args) => {
      const id = (args.action as { action_id?: string }).action_id;
      await dispatch(actionRoutes, id, id?.split(':')[0] ?? 'unknown', args, true);
    });
  return commands;
}
