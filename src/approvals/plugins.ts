// Actions plugged into the engine from outside it (rollback). A plugin brings its own target reading,
// staleness check and execute → verify; the engine keeps everything else exactly as for refresh:
// requester checks, cooldown, one change per target, votes, quorum, expiry, at-most-once, messages, audit.
import type { ManagementClient } from '../cliproxy/types.js';
import type { ActionName, ApprovalRequest } from '../store/types.js';
import type { AuditFn } from './audit.js';
import type { TimingOptions } from './context.js';
import type { OutgoingMessage } from './messenger.js';
import type { RequestResult } from './request-data.js';

export interface PreparedTarget {
  /** The title's subject ("snapshot 20260829-101500-ab12"). */
  subject: string;
  /** What the bot will do, one sentence. */
  plan: string;
  /** Shown in the request message instead of "Credentials affected" (mrkdwn, no secrets). */
  sections: string[];
  /** Staleness fingerprint of the target now. */
  fingerprint: string;
  /** Stored with the request (JSON, no secrets). */
  params: Record<string, unknown>;
}

export interface PluginRun {
  client: ManagementClient; // audited: every call is a proxy.call event
  request: ApprovalRequest;
  audit: AuditFn;
  reply: (message: OutgoingMessage | string) => Promise<void>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  canary: { clientKey: string | undefined; model: string | undefined };
  verify: TimingOptions;
}

export interface PluginOutcome {
  state: 'verified' | 'failed';
  result: RequestResult & Record<string, unknown>;
  /** The final thread reply. */
  message: string;
}

export interface ActionPlugin {
  readonly action: ActionName;
  /** The target key for cooldown and one-change-per-target (e.g. "config"). */
  readonly target: string;
  /** A target per request instead (reset-cooldown: one credential), from the request's arguments. */
  targetFor?(args: Record<string, unknown>): string;
  /** Reads the live target for a new request; throws (AppError) to refuse it with that message. */
  prepare(client: ManagementClient, args: Record<string, unknown>): Promise<PreparedTarget>;
  /** The target's fingerprint now and, when it differs from the request's, words for what changed. */
  recheck(
    client: ManagementClient,
    request: ApprovalRequest,
  ): Promise<{ fingerprint: string; change: string }>;
  /** Executes and verifies an approved, claimed request. Throwing fails it with the error's message. */
  run(run: PluginRun): Promise<PluginOutcome>;
}

export type PluginRegistry = ReadonlyMap<ActionName, ActionPlugin>;

export function pluginRegistry(plugins: readonly ActionPlugin[] = []): PluginRegistry {
  return new Map(plugins.map((p) => [p.action, p]));
}
