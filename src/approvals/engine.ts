// The approval engine: store + management client + messenger + audit, behind a few verbs that the
// Slack handlers (and tests) call. Construct it once in main.ts with createApprovalEngine(deps).
import { randomUUID } from 'node:crypto';
import type { AlternativeKind } from '../domain/actions/alternatives.js';
import { isValidProvider, parseRefreshCommand } from '../domain/approvals/command.js';
import type { Policy } from '../domain/approvals/policy.js';
import { DEFAULT_STALE_COOLDOWN_MS } from '../domain/credential-state.js';
import type { ActionName, ApprovalRequest } from '../store/types.js';
import { castVote, EXPIRED_REPLY, type VoteInput, type VoteOutcome } from './cast-vote.js';
import {
  type ApprovalEngineDeps,
  type EngineContext,
  refreshMessage,
  reply,
  scope,
  tell,
} from './context.js';
import { type CreateResult, createRequest, type NewRequestInput } from './create-request.js';
import { pluginRegistry } from './plugins.js';
import { HEARTBEAT_MS, heartbeat, interruptOwn, REPLICA_LEASE_MS, recoverInterrupted } from './recover.js';
import { type CooldownResetInput, requestCooldownReset } from './request-cooldown.js';
import { paramsOf } from './request-data.js';
import { type FixInput, requestFix } from './request-fix.js';
import { runExecution } from './run-execution.js';

export type { ApprovalEngineDeps } from './context.js';

export interface ApprovalEngine {
  readonly policy: Policy;
  /** `/auth-refresh PROVIDER [CREDENTIAL]`: parse, check, post the request. */
  requestRefresh(input: { userId: string; channel: string; text: string }): Promise<CreateResult>;
  requestAction(input: NewRequestInput): Promise<CreateResult>;
  vote(input: VoteInput): Promise<VoteOutcome>;
  /** A click on an alternative offered in a thread: a new approval-gated request. */
  offerAlternative(input: {
    parentId: string;
    kind: string;
    userId: string;
    channel: string;
  }): Promise<CreateResult>;
  /** "Request fix" on a runbook row: the row's action, for the provider that shows the problem. */
  requestFix(input: FixInput): Promise<CreateResult>;
  /** A reset-cooldown request for a picked credential (or the one in cooldown); probes the build first. */
  requestCooldownReset(input: CooldownResetInput): Promise<CreateResult>;
  /** Expires due pending requests and updates their messages; returns how many. */
  sweepExpired(now?: number): Promise<number>;
  recentRequests(limit?: number): Promise<ApprovalRequest[]>;
  /** Resolves when every execution started so far has finished. */
  drain(): Promise<void>;
  // --- lifecycle: liveness lease, recovery of dead replicas' executions, bounded drain ---
  /**
   * Renews this replica's liveness lease, interrupts executions left running by dead replicas (returns
   * how many), then keeps doing both every HEARTBEAT_MS until stop(). Call before serving clicks.
   */
  start(): Promise<number>;
  /** Interrupts executions left running by replicas whose liveness lease lapsed; returns how many. */
  recoverInterrupted(): Promise<number>;
  /**
   * Graceful stop: waits up to timeoutMs for running executions, then marks this replica's unfinished ones
   * interrupted (reported in their threads). Further results of those executions are not reported.
   */
  stop(timeoutMs: number): Promise<{ drained: boolean; interrupted: number }>;
  // --- end lifecycle ---
}

const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createApprovalEngine(deps: ApprovalEngineDeps): ApprovalEngine {
  const inFlight = new Set<Promise<unknown>>();
  let lifeTimer: NodeJS.Timeout | undefined; // lifecycle
  const ctx: EngineContext = {
    store: deps.store,
    policy: deps.policy,
    resolveGroupMembers: deps.resolveGroupMembers,
    logger: deps.logger,
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? sleepReal,
    replicaId: deps.replicaId ?? `replica-${randomUUID().slice(0, 8)}`,
    newId: deps.newId ?? (() => `req-${randomUUID().slice(0, 12)}`),
    canary: deps.canary ?? { clientKey: undefined, model: undefined },
    verify: deps.verify ?? { pollIntervalMs: 1000, timeoutMs: 8000 },
    login: deps.login ?? { pollIntervalMs: 2000, timeoutMs: 600_000 },
    probes: deps.probes,
    liveness: deps.liveness ?? { leaseMs: REPLICA_LEASE_MS, heartbeatMs: HEARTBEAT_MS },
    baseClient: deps.client,
    baseMessenger: deps.messenger,
    plugins: pluginRegistry(deps.plugins), // plugged actions (rollback, reset-cooldown)
    beforeMutation: deps.beforeMutation, // pre-mutation snapshot hook
    staleCooldownMs: deps.staleCooldownMs,
    executing: new Set<string>(),
    track: (work) => {
      const p = work.catch((err: unknown) => deps.logger.error({ err }, 'background approval work failed'));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    },
  };

  return {
    policy: deps.policy,
    async requestRefresh({ userId, channel, text }) {
      const parsed = parseRefreshCommand(text);
      if (!parsed.ok) {
        await tell(scope(ctx, `cmd-${ctx.newId()}`), channel, userId, parsed.error);
        return { ok: false, reason: parsed.error };
      }
      return createRequest(ctx, {
        userId,
        channel,
        action: 'refresh',
        provider: parsed.provider,
        credential: parsed.credential,
      });
    },
    requestAction: (input) => createRequest(ctx, input),
    vote: (input) =>
      castVote(ctx, input, (approved, claim, clickedAt) =>
        ctx.track(runExecution(ctx, approved, claim, clickedAt)),
      ),
    async offerAlternative({ parentId, kind, userId, channel }) {
      const parent = await ctx.store.getRequest(parentId);
      const params = parent ? paramsOf(parent) : undefined;
      const map: Record<AlternativeKind, { action: Exclude<ActionName, 'rollback'>; method?: 'legacy' }> = {
        relogin: { action: 'relogin' },
        legacy_refresh: { action: 'refresh', method: 'legacy' },
        reenable: { action: 'reenable' },
      };
      const choice = map[kind as AlternativeKind];
      if (!parent || !params || !choice || !isValidProvider(params.provider)) {
        const reason = 'That offer is no longer valid; run /auth-refresh again.';
        await tell(scope(ctx, parentId.slice(0, 64)), channel, userId, reason);
        return { ok: false, reason };
      }
      return createRequest(ctx, {
        userId,
        channel: parent.channel,
        action: choice.action,
        provider: params.provider,
        credential: choice.action === 'relogin' ? undefined : (params.credential ?? undefined),
        ...(choice.method ? { method: choice.method } : {}),
        parentId,
        source: `offer:${kind}`,
      });
    },
    requestFix: (input) => requestFix(ctx, input),
    requestCooldownReset: (input) =>
      requestCooldownReset(ctx, input, ctx.staleCooldownMs ?? DEFAULT_STALE_COOLDOWN_MS),
    async sweepExpired(now = ctx.now()) {
      const due = await ctx.store.expireDue(now);
      for (const request of due) {
        const s = scope(ctx, request.id);
        await s.audit('request.expired', null, { expiresAt: request.expiresAt, by: 'sweeper' });
        await refreshMessage(ctx, s, request);
        await reply(s, request, EXPIRED_REPLY);
      }
      return due.length;
    },
    recentRequests: (limit = 20) => ctx.store.listRequests({ limit }),
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    // --- lifecycle ---
    async start() {
      await heartbeat(ctx);
      const recovered = await recoverInterrupted(ctx);
      if (!lifeTimer) {
        lifeTimer = setInterval(() => {
          void heartbeat(ctx)
            .then(() => recoverInterrupted(ctx))
            .catch((err: unknown) => deps.logger.warn({ err }, 'replica heartbeat failed'));
        }, ctx.liveness.heartbeatMs);
        lifeTimer.unref();
      }
      return recovered;
    },
    recoverInterrupted: () => recoverInterrupted(ctx),
    async stop(timeoutMs) {
      clearInterval(lifeTimer);
      lifeTimer = undefined;
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        (async () => {
          while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
          return true;
        })(),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      const interrupted = drained ? 0 : await interruptOwn(ctx);
      return { drained, interrupted };
    },
    // --- end lifecycle ---
  };
}
