// A runbook row's read-only confirmation check: what it needs and what it answers.
import type { ManagementClient } from '../../cliproxy/types.js';

export interface CheckDeps {
  proxy: ManagementClient;
  now: () => number;
  /** CLIPROXY_CLIENT_KEY and CLIPROXY_CANARY_MODEL, for the rows a canary confirms. */
  clientKey?: string | undefined;
  canaryModel?: string | undefined;
  /** The bot's own config snapshots, newest first (config-change-spike compares the live config with them). */
  listSnapshots?: (() => Promise<{ id: string; takenAt: number; content: string }[]>) | undefined;
}

export interface CheckResult {
  row: string;
  /** true: the symptom is confirmed; false: checked, not present; null: could not be checked. */
  confirmed: boolean | null;
  /** Set when the check could not run because of a failure (proxy down, wrong key): scripts treat it as unhealthy. */
  failed?: boolean;
  summary: string;
  findings: string[];
}

export type CheckFn = (deps: CheckDeps) => Promise<Omit<CheckResult, 'row'>>;
