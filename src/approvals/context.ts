// What the engine's parts share: the edges, the policy, and helpers bound to one request.
import type { ManagementClient } from '../cliproxy/types.js';
import type { RouteProbes } from '../domain/actions/alternatives.js';
import type { Policy } from '../domain/approvals/policy.js';
import type { Logger } from '../logger.js';
import { renderRequest } from '../slack/views/request.js';
import type { ApprovalRequest, Store } from '../store/types.js';
import { type AuditFn, auditedClient, auditedMessenger, auditFor } from './audit.js';
import type { ResolveGroupMembers } from './group-resolver.js';
import type { Messenger, OutgoingMessage } from './messenger.js';
import type { ActionPlugin, PluginRegistry } from './plugins.js';

export interface TimingOptions {
  pollIntervalMs: number;
  timeoutMs: number;
  /** An absolute end (ms epoch) that polling and the canary share (domain/actions/budget.ts). */
  deadline?: number;
}

export interface Liveness {
  leaseMs: number;
  heartbeatMs: number;
}

export interface ApprovalEngineDeps {
  store: Store;
  client: ManagementClient;
  messenger: Messenger;
  policy: Policy;
  resolveGroupMembers: ResolveGroupMembers;
  logger: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** This replica's id in the execution ledger. */
  replicaId?: string;
  newId?: () => string;
  canary?: { clientKey: string | undefined; model: string | undefined };
  /** Verification polling (default 1 s / 8 s, so a result comes within 10 s of the action). */
  verify?: TimingOptions;
  /** Re-login polling (default 2 s / 10 min). */
  login?: TimingOptions;
  /** Route probes for alternatives (default: harmless probes over the client). */
  probes?: RouteProbes;
  /** Liveness lease length and heartbeat period (default 30 s / 10 s; tests shorten them). */
  liveness?: Liveness;
  // --- plugged actions and pre-mutation hook (rollback) ---
  /** Actions plugged in from outside the engine (rollback: src/snapshots/rollback-action.ts). */
  plugins?: ActionPlugin[];
  /** Runs right before any built-in action mutates the proxy (main.ts: a pre-mutation config snapshot). */
  /** Runs right before a mutation; `client` is the request's audited client (its calls join the audit trail). */
  beforeMutation?: (request: ApprovalRequest, client: ManagementClient) => Promise<void>;
  // --- end plugged actions ---
  /** A cooldown longer than this is called stale (AUTHBOT_WATCH_STALE_COOLDOWN; default 6 h). */
  staleCooldownMs?: number;
}

export interface EngineContext {
  store: Store;
  policy: Policy;
  resolveGroupMembers: ResolveGroupMembers;
  logger: Logger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  replicaId: string;
  newId: () => string;
  canary: { clientKey: string | undefined; model: string | undefined };
  verify: TimingOptions;
  login: TimingOptions;
  probes: RouteProbes | undefined;
  liveness: Liveness;
  baseClient: ManagementClient;
  baseMessenger: Messenger;
  /** Runs work after the caller returns; tracked so shutdown and tests can wait for it. */
  track: (work: Promise<unknown>) => void;
  /** Requests whose execution this engine claimed and is still running (the heartbeat leaves these alone). */
  executing: Set<string>;
  // --- plugged actions and pre-mutation hook (rollback) ---
  plugins?: PluginRegistry;
  beforeMutation?: ((request: ApprovalRequest, client: ManagementClient) => Promise<void>) | undefined;
  // --- end plugged actions ---
  staleCooldownMs?: number | undefined;
}

/** Helpers bound to one request's correlation id. */
export interface Scoped {
  audit: AuditFn;
  client: ManagementClient;
  messenger: Messenger;
}

export function scope(ctx: EngineContext, correlationId: string): Scoped {
  const audit = auditFor(ctx.store, correlationId, ctx.now, ctx.logger);
  return {
    audit,
    client: auditedClient(ctx.baseClient, audit, ctx.now),
    messenger: auditedMessenger(ctx.baseMessenger, audit),
  };
}

/** Re-renders the request message in place (from the store's current state and votes). */
export async function refreshMessage(ctx: EngineContext, s: Scoped, request: ApprovalRequest): Promise<void> {
  if (!request.messageTs) return;
  const votes = await ctx.store.listVotes(request.id);
  await s.messenger.updateRequest(request.channel, request.messageTs, renderRequest(request, votes));
}

export async function reply(
  s: Scoped,
  request: ApprovalRequest,
  message: OutgoingMessage | string,
): Promise<void> {
  if (!request.messageTs) return;
  const m = typeof message === 'string' ? { text: message } : message;
  await s.messenger.threadReply(request.channel, request.messageTs, m);
}

export async function tell(s: Scoped, channel: string, userId: string, text: string): Promise<void> {
  await s.messenger.ephemeral(channel, userId, { text });
}
