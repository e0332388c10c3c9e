// The approval policy (product.md "Approval gating"): who may request, who may approve, and per action
// how many approvals, whether self-approval counts, how long a request lives and the cooldown per target.
import { z } from 'zod';
import type { ActionName } from '../../store/types.js';
import { parseDuration } from '../duration.js';

export interface ActionPolicy {
  approvals: number;
  selfApproval: boolean;
  ttlMs: number;
  cooldownMs: number;
}

export interface Principals {
  users: string[];
  usergroups: string[];
}

export interface Policy {
  /** Empty: commands are accepted in any channel. */
  channels: string[];
  approvers: Principals;
  /** Undefined: anyone in an allowed channel may request. */
  requesters: Principals | undefined;
  actions: Record<ActionName, ActionPolicy>;
  /** Where the policy came from, for messages ("./policy.yml", or "none"). */
  source: string;
  /** Set when no policy file was found: mutating commands are refused with this hint. */
  unconfigured: string | undefined;
  /**
   * When the config snapshot taken right before a change fails: `stop` (the default) changes nothing,
   * `continue` goes on without it. Either way the thread says so.
   */
  snapshotFailure?: 'stop' | 'continue';
}

export const ACTION_NAMES: readonly ActionName[] = [
  'refresh',
  'relogin',
  'reenable',
  'rollback',
  'reset-cooldown',
];

const DEFAULT_ACTION: Record<ActionName, { approvals: number; ttl: string; cooldown: string }> = {
  refresh: { approvals: 1, ttl: '15m', cooldown: '5m' },
  relogin: { approvals: 1, ttl: '15m', cooldown: '5m' },
  reenable: { approvals: 1, ttl: '15m', cooldown: '5m' },
  rollback: { approvals: 2, ttl: '15m', cooldown: '5m' },
  'reset-cooldown': { approvals: 1, ttl: '15m', cooldown: '5m' },
};

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user ID like U0123ABC');
const slackGroupId = z.string().regex(/^S[A-Z0-9]{2,}$/, 'expected a Slack user-group ID like S0123ABC');
const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a Slack channel ID like C0123ABC');

const durationText = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = typeof value === 'number' && value === 0 ? 0 : parseDuration(String(value));
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 0s, 1s, 5m or 1h, got "${value}"` });
    return z.NEVER;
  }
  return ms;
});

const principals = z
  .object({
    users: z.array(slackUserId).nullish(),
    usergroups: z.array(slackGroupId).nullish(),
  })
  .strict()
  .transform((p) => ({ users: p.users ?? [], usergroups: p.usergroups ?? [] }));

const actionPolicy = z
  .object({
    approvals: z.number().int().min(1).max(10).optional(),
    self_approval: z.boolean().optional(),
    ttl: durationText.optional(),
    cooldown: durationText.optional(),
  })
  .strict();

export const policySchema = z
  .object({
    channels: z.array(channelId).nullish(),
    approvers: principals,
    requesters: principals.nullish(),
    actions: z
      .object({
        refresh: actionPolicy.optional(),
        relogin: actionPolicy.optional(),
        reenable: actionPolicy.optional(),
        rollback: actionPolicy.optional(),
        'reset-cooldown': actionPolicy.optional(),
      })
      .strict()
      .nullish(),
    snapshot_failure: z.enum(['stop', 'continue']).nullish(),
  })
  .strict();

export type PolicyFile = z.output<typeof policySchema>;

function resolveAction(name: ActionName, given: z.output<typeof actionPolicy> | undefined): ActionPolicy {
  const d = DEFAULT_ACTION[name];
  return {
    approvals: given?.approvals ?? d.approvals,
    selfApproval: given?.self_approval ?? false,
    ttlMs: given?.ttl ?? (parseDuration(d.ttl) as number),
    cooldownMs: given?.cooldown ?? (parseDuration(d.cooldown) as number),
  };
}

/** Turns a validated file into the policy the engine uses, with every default filled in. */
export function buildPolicy(file: PolicyFile, source: string): Policy {
  const actions = {} as Record<ActionName, ActionPolicy>;
  for (const name of ACTION_NAMES) actions[name] = resolveAction(name, file.actions?.[name] ?? undefined);
  return {
    channels: file.channels ?? [],
    approvers: file.approvers,
    requesters: file.requesters ?? undefined,
    actions,
    source,
    unconfigured: undefined,
    snapshotFailure: file.snapshot_failure ?? 'stop',
  };
}

export const UNCONFIGURED_HINT =
  'No approval policy is configured, so changes cannot be approved. Copy policy.example.yml to policy.yml ' +
  '(or set AUTHBOT_POLICY_FILE to a policy file) and list the approvers, then restart the bot.';

/** The policy used when the default file is absent: no approvers; read-only commands still work. */
export function unconfiguredPolicy(): Policy {
  return {
    ...buildPolicy({ approvers: { users: [], usergroups: [] } }, 'none'),
    unconfigured: UNCONFIGURED_HINT,
  };
}

/** True when the policy names at least one approver. */
export function hasApprovers(policy: Policy): boolean {
  return policy.approvers.users.length + policy.approvers.usergroups.length > 0;
}

/**
 * Why `action` can never reach its quorum under this policy, or undefined. Only user IDs can be counted
 * (groups are resolved at click time), so a policy with user groups is taken as able to.
 */
export function unreachableQuorum(policy: Policy, action: ActionName): string | undefined {
  if (policy.unconfigured || policy.approvers.usergroups.length > 0) return undefined;
  const needed = policy.actions[action].approvals;
  const users = policy.approvers.users.length;
  if (needed <= users) return undefined;
  return `${action} needs ${needed} approvals but the policy lists only ${users} approver(s) and no user groups (policy \`actions.${action}.approvals\`, \`approvers\`).`;
}
