// Composition of the approval feature for main.ts: loads the policy (bad_config on a bad file),
// builds the engine over the Slack app's WebClient, registers its listeners, runs the sweeper.
import { randomUUID } from 'node:crypto';
import type { App } from '@slack/bolt';
import type { ManagementClient } from '../cliproxy/types.js';
import type { Config } from '../config.js';
import { loadPolicy } from '../domain/approvals/load-policy.js';
import { ACTION_NAMES, type Policy, unreachableQuorum } from '../domain/approvals/policy.js';
import { Redactor } from '../domain/redact.js';
import type { Runbook } from '../domain/runbook/schema.js';
import type { Logger } from '../logger.js';
import { registerApprovalActions } from '../slack/actions/approval.js';
import { registerFixRequestAction } from '../slack/actions/fix-request.js';
import { registerResetCooldownActions } from '../slack/actions/reset-cooldown.js';
import { registerAuditCommand } from '../slack/commands/audit.js';
import { registerRefreshCommand } from '../slack/commands/refresh.js';
import { createSlackMessenger } from '../slack/messenger.js';
import type { Store } from '../store/types.js';
import type { TimingOptions } from './context.js';
import { type ApprovalEngine, type ApprovalEngineDeps, createApprovalEngine } from './engine.js';
import { createCachedGroupResolver } from './group-resolver.js';
import { createResetCooldownPlugin } from './reset-cooldown-action.js';
import { startSweeper } from './sweeper.js';

export interface ApprovalWiringDeps {
  config: Config;
  /** From loadApprovalPolicy (called before anything is opened, so a bad file stops start-up cleanly). */
  policy: Policy;
  logger: Logger;
  store: Store;
  client: ManagementClient;
  runbook: Pick<Runbook, 'rows'>;
  now?: () => number;
  /** How often expired requests are swept (default 2 s). */
  sweepIntervalMs?: number;
  verify?: TimingOptions;
  login?: TimingOptions;
  /** How long user-group members are cached (default 60 s). */
  groupCacheMs?: number;
  // --- plugged actions and pre-mutation hook (rollback) ---
  plugins?: ApprovalEngineDeps['plugins'];
  beforeMutation?: ApprovalEngineDeps['beforeMutation'];
  // --- end plugged actions ---
  /** How long stop() waits for running executions before marking them interrupted (default 10 s). */
  drainTimeoutMs?: number;
  /** Liveness lease and heartbeat of this replica (default 30 s / 10 s). */
  liveness?: ApprovalEngineDeps['liveness'];
  /** Slack API errors and rate limits seen by the messenger (metrics). */
  onSlackError?: (method: string, error: string) => void;
  onSlackRateLimited?: (method: string) => void;
}

export interface ApprovalWiring {
  policy: Policy;
  /** Adds /auth-refresh, /auth-audit, Approve/Deny/offer and fix_request listeners (and builds the engine). */
  register(app: App): void;
  /** The engine, once register() ran. */
  engine(): ApprovalEngine | undefined;
  start(): void;
  stop(): Promise<void>;
}

/** Loads AUTHBOT_POLICY_FILE; throws AppError('bad_config') (exit 2) when a set file is missing or invalid. */
export async function loadApprovalPolicy(config: Config, logger: Logger): Promise<Policy> {
  const policy = await loadPolicy(config.policyFile, { explicit: config.policyFileExplicit });
  if (policy.unconfigured) logger.warn({ policyFile: config.policyFile }, policy.unconfigured);
  else logger.info({ policyFile: policy.source, approvers: policy.approvers }, 'approval policy loaded');
  for (const action of ACTION_NAMES) {
    const problem = unreachableQuorum(policy, action);
    if (problem) logger.warn(`${problem} Such requests will be refused until the policy is fixed.`);
  }
  return policy;
}

export function createApprovalWiring(deps: ApprovalWiringDeps): ApprovalWiring {
  const { config, store, policy } = deps;
  const logger = deps.logger.child({ component: 'approvals' });
  const now = deps.now ?? Date.now;
  const replicaId = `replica-${randomUUID().slice(0, 8)}`;
  let engine: ApprovalEngine | undefined;
  let stopSweeper: (() => Promise<void>) | undefined;

  return {
    policy,
    register(app) {
      const resolveGroupMembers = createCachedGroupResolver({
        fetchMembers: async (usergroup) =>
          (await app.client.usergroups.users.list({ usergroup })).users ?? [],
        ttlMs: deps.groupCacheMs ?? 60_000,
        now,
        logger,
      });
      engine = createApprovalEngine({
        store,
        client: deps.client,
        messenger: createSlackMessenger({
          client: app.client,
          logger,
          redactor: new Redactor([
            config.slack.botToken,
            config.slack.signingSecret,
            config.slack.appToken,
            config.proxy.managementKey,
            config.proxy.clientKey,
          ]),
          ...(deps.onSlackError ? { onError: deps.onSlackError } : {}),
          ...(deps.onSlackRateLimited ? { onRateLimited: deps.onSlackRateLimited } : {}),
        }),
        policy,
        resolveGroupMembers,
        logger,
        now,
        replicaId,
        canary: { clientKey: config.proxy.clientKey, model: config.proxy.canaryModel },
        ...(deps.verify ? { verify: deps.verify } : {}),
        ...(deps.login ? { login: deps.login } : {}),
        // rollback from main.ts; reset-cooldown always
        plugins: [
          ...(deps.plugins ?? []),
          createResetCooldownPlugin({ now, staleCooldownMs: config.watch.staleCooldownMs }),
        ],
        staleCooldownMs: config.watch.staleCooldownMs,
        ...(deps.beforeMutation ? { beforeMutation: deps.beforeMutation } : {}),
        ...(deps.liveness ? { liveness: deps.liveness } : {}),
      });
      registerRefreshCommand(app, { engine, logger });
      registerApprovalActions(app, { engine, logger });
      registerFixRequestAction(app, { engine, runbook: deps.runbook, logger });
      registerResetCooldownActions(app, { engine, logger });
      registerAuditCommand(app, { store, logger, policy });
    },
    engine: () => engine,
    start() {
      if (!engine || stopSweeper) return;
      // lifecycle: liveness lease + executions left running by a dead process are interrupted
      void engine
        .start()
        .then(
          (n) => n > 0 && logger.warn({ interrupted: n }, 'interrupted executions left by a stopped process'),
        )
        .catch((err: unknown) => logger.error({ err }, 'could not recover interrupted executions'));
      stopSweeper = startSweeper({
        engine,
        store,
        owner: replicaId,
        intervalMs: deps.sweepIntervalMs ?? 2000,
        now,
        logger,
      });
    },
    async stop() {
      await stopSweeper?.();
      // lifecycle: bounded drain; what is still running afterwards is marked interrupted
      const result = await engine?.stop(deps.drainTimeoutMs ?? 10_000);
      if (result && !result.drained) logger.warn(result, 'stopped before every execution finished');
    },
  };
}
