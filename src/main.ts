// Composition root: config in, a running bot out. Builds the logger, runbook, store, proxy client,
// approval engine and Slack app; starts them; stops them in order.

import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, webApi } from '@slack/bolt';
import type { DestinationStream, Logger } from 'pino';
import { createApprovalWiring, loadApprovalPolicy } from './approvals/compose.js';
import { createManagementClient } from './cliproxy/client.js';
import { changesCredentials, type StatusReader } from './cliproxy/status-reader.js';
import type { ManagementClient } from './cliproxy/types.js';
import { type Config, ConfigError, SECRET_VARIABLES, slackProblems } from './config.js';
import { ACTION_NAMES } from './domain/approvals/policy.js';
import { bundledRunbookPath, loadRunbookFile } from './domain/runbook/load.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { proxyReadiness } from './http/readiness.js';
import { buildRoutes, type ReadinessProbe, routesListener } from './http/routes.js';
import { localBotConfig, localChannelOf } from './local/mode.js';
import { LOCAL_BANNER, startStandIn } from './local/stand-in.js';
import { createLogger } from './logger.js';
import { registerCheckAction } from './slack/actions/check.js';
import { registerWhyShareAction } from './slack/actions/why-share.js';
import { createSlackApp, type Registrar } from './slack/app.js';
import { registerRollback } from './slack/commands/rollback.js';
import { createStatusCommandReader, registerStatusCommand } from './slack/commands/status.js';
import { registerWhyCommand } from './slack/commands/why.js';
import { createListenerGuard } from './slack/guard.js';
import { initSlack } from './slack/init.js';
import { createResponder } from './slack/respond.js';
import { createRollbackPlugin } from './snapshots/rollback-action.js';
import { Snapshotter, snapshotWarning } from './snapshots/snapshotter.js';
import { meterStore } from './store/metered.js';
import { openStore } from './store/open.js';
import type { Store } from './store/types.js';
import { createWatchWiring } from './watch/wire.js';

export interface BotOptions {
  /** Where logs go (tests capture them); default stdout. */
  logDestination?: DestinationStream;
  /** Web API client overrides (tests shorten retries). */
  slackClientOptions?: Partial<webApi.WebClientOptions>;
  now?: () => number;
  /** How long stop() waits for running executions (default 10 s). */
  drainTimeoutMs?: number;
  /** Liveness lease and heartbeat of this replica (default 30 s / 10 s; tests shorten them). */
  liveness?: { leaseMs: number; heartbeatMs: number };
}

export interface RunningBot {
  /** Base URL of the HTTP listener (Slack endpoint in HTTP mode, health routes in both modes). */
  url: string;
  app: App;
  /** Slash commands registered with Bolt. */
  commands: string[];
  logger: Logger;
  metrics: Metrics;
  store: Store;
  proxy: ManagementClient;
  stop(): Promise<void>;
}

function secretsOf(config: Config): (string | undefined)[] {
  return [
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    config.proxy.managementKey,
    config.proxy.clientKey,
    config.snapshot.key?.toString('base64'),
  ];
}

async function listen(server: Server, port: number, host: string): Promise<string> {
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

export async function startBot(config: Config, options: BotOptions = {}): Promise<RunningBot> {
  const problems = slackProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  const logger = createLogger({
    level: config.logLevel,
    secrets: secretsOf(config),
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const metrics = createMetrics();
  const now = options.now ?? Date.now;
  const unencrypted = snapshotWarning(config);
  if (unencrypted) logger.warn(unencrypted);
  const runbook = await loadRunbookFile(config.runbookFile ?? bundledRunbookPath());

  const policy = await loadApprovalPolicy(config, logger); // approvals: bad file -> bad_config
  const store = meterStore(
    await openStore(config.databaseUrl, { snapshotKey: config.snapshot.key, logger }),
    metrics,
  );
  let statusReader: StatusReader | undefined;
  const proxy = createManagementClient({
    baseUrl: config.proxy.url,
    managementKey: config.proxy.managementKey,
    rejectedKeys: store, // a 401 seen by any replica stops them all
    logger: logger.child({ component: 'cliproxy' }),
    onRequest: ({ method, route, status, durationMs }) => {
      metrics.proxyCall(route, status, durationMs / 1000);
      // the bot changed the proxy (or is logging a credential in): /auth-status must read it afresh
      if (changesCredentials(method, route)) statusReader?.invalidate();
    },
  });
  statusReader = createStatusCommandReader(
    {
      proxy,
      logger: logger.child({ component: 'status' }),
      now,
      staleCooldownMs: config.watch.staleCooldownMs,
    },
    config.statusMaxAgeMs,
  );

  // approvals: engine, /auth-refresh, /auth-audit, Approve/Deny/offer/fix_request, expiry sweeper
  // --- snapshots and rollback: snapshotter, rollback plugged into the engine, pre-mutation snapshots
  const snapshotter = new Snapshotter({
    store,
    client: proxy,
    logger: logger.child({ component: 'snapshots' }),
    now,
    intervalMs: config.snapshot.intervalMs,
    keep: config.snapshot.keep,
    owner: `snapshotter-${randomUUID().slice(0, 8)}`,
  });
  const rollback = {
    plugins: [createRollbackPlugin(snapshotter)],
    beforeMutation: async (request: { id: string }, client: ManagementClient) => {
      // read through the request's audited client, so this call is in the request's audit trail too
      await snapshotter.snapshotNow(`pre-mutation:${request.id}`, await client.getConfigYaml());
    },
  };
  // --- end snapshots and rollback ---
  const approvals = createApprovalWiring({
    config,
    policy,
    logger,
    store,
    client: proxy,
    runbook,
    onSlackError: (method, error) => metrics.slackError(method, error),
    onSlackRateLimited: (method) => metrics.slackRateLimited(method),
    ...rollback,
    ...(options.drainTimeoutMs !== undefined ? { drainTimeoutMs: options.drainTimeoutMs } : {}),
    ...(options.liveness ? { liveness: options.liveness } : {}),
  });

  const watch = createWatchWiring({
    config,
    store,
    client: proxy,
    policy,
    logger,
    metrics,
    engine: () => approvals.engine(),
    now,
    // the actions the approval engine can run: a watch fix it cannot (yet) is refused, never sent
    knownActions: ACTION_NAMES,
  });

  const responder = createResponder();
  const probes: ReadinessProbe[] = [{ name: 'store', check: () => store.ping() }, proxyReadiness(proxy)];
  const routes = buildRoutes({ metrics, probes, logger: logger.child({ component: 'readyz' }) });
  const registrars: Registrar[] = [
    (app) => registerWhyCommand(app, { runbook, logger }),
    (app) => registerWhyShareAction(app, { runbook, logger }),
    (app) =>
      registerStatusCommand(app, {
        proxy,
        logger,
        now,
        responder,
        reader: statusReader,
        rowActions: Object.fromEntries(runbook.rows.map((r) => [r.id, r.action])),
        onAnswer: (source) => metrics.statusAnswer(source),
      }),
    (app) =>
      registerCheckAction(app, {
        proxy,
        logger,
        now,
        clientKey: config.proxy.clientKey,
        canaryModel: config.proxy.canaryModel,
        listSnapshots: () => store.listSnapshots(50),
      }),
    (app) => approvals.register(app),
    (app) => registerRollback(app, approvals.engine(), { store, client: proxy, logger }),
    (app) => watch.register(app),
  ];
  const { app, commands } = createSlackApp(
    {
      config,
      logger,
      routes,
      metrics,
      guard: createListenerGuard({ policy, logger: logger.child({ component: 'slack' }) }),
      ...(options.slackClientOptions ? { clientOptions: options.slackClientOptions } : {}),
    },
    registrars,
  );
  await initSlack(app, config);

  let url: string;
  let healthServer: Server | undefined;
  if (config.slack.socketMode) {
    healthServer = createServer(routesListener(routes));
    url = await listen(healthServer, config.http.port, config.http.host);
    // a failed accept (e.g. out of file descriptors under a flood) is logged, never fatal
    healthServer.on('error', (err) => logger.warn({ err }, 'health listener error'));
    await app.start();
  } else {
    const server = (await app.start({ port: config.http.port, host: config.http.host })) as Server;
    const address = server.address() as AddressInfo;
    url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${address.port}`;
  }
  logger.info(
    { url, mode: config.slack.socketMode ? 'socket' : 'http', proxy: config.proxy.url },
    'auth-bot started',
  );
  approvals.start();
  snapshotter.start();
  watch.start();

  let stopped = false;
  return {
    url,
    app,
    commands,
    logger,
    metrics,
    store,
    proxy,
    async stop() {
      if (stopped) return;
      stopped = true;
      logger.info('auth-bot stopping');
      await app.stop().catch((err: unknown) => logger.warn({ err }, 'error while stopping Slack app'));
      await watch.stop().catch((err: unknown) => logger.warn({ err }, 'error while stopping the watch'));
      await approvals.stop().catch((err: unknown) => logger.warn({ err }, 'error while stopping approvals'));
      await snapshotter
        .stop()
        .catch((err: unknown) => logger.warn({ err }, 'error while stopping snapshots'));
      if (healthServer) {
        healthServer.closeAllConnections();
        await new Promise<void>((resolve) => healthServer.close(() => resolve()));
      }
      await responder.close().catch(() => undefined);
      await proxy
        .close()
        .catch((err: unknown) => logger.warn({ err }, 'error while closing the proxy client'));
      await store.close().catch((err: unknown) => logger.warn({ err }, 'error while closing the store'));
      logger.info('auth-bot stopped');
      logger.flush();
    },
  };
}

// --- local mode: the same bot, with Slack replaced by the stand-in of src/local on 127.0.0.1:PORT ---
export async function startLocalBot(config: Config, options: BotOptions = {}): Promise<RunningBot> {
  // the page's one channel stands for the channels the configuration names (watch, policy `channels`)
  const channel = await localChannelOf(config);
  const standIn = await startStandIn({ port: config.http.port, channel });
  try {
    const bot = await startBot(localBotConfig(config, standIn), options);
    standIn.connect(bot);
    bot.logger.warn(
      { url: standIn.url, channel: channel.id, standsFor: channel.standsFor },
      `${LOCAL_BANNER}. Open ${standIn.url}/ in a browser. The page's channel is ${channel.id}.`,
    );
    const stop = async () => {
      await bot.stop();
      await standIn.close();
    };
    return { ...bot, url: standIn.url, stop };
  } catch (err) {
    await standIn.close();
    throw err;
  }
}
// --- end local mode ---

export { SECRET_VARIABLES };
