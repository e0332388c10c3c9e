// A runbook row's read-only confirmation check: what it needs and what it answers.
import type { ManagementClient } from '../../cliproxy/types.js';

export interface CheckDeps {
  proxy: ManagementClient;
  now: () => number;
  /** CLIPROXY_CLIENT_KEY and CLIPROXY_CANARY_MODEL, for the rows a canary confirms. */
  clientKey?: string | undefined;
  canaryModel?: string | undefined;
}

export interface CheckResult {
  row: string;
  /** true: the symptom is confirmed; false: checked, not present; null: cannot be checked automatically. */
  confirmed: boolean | null;
  summary: string;
  findings: string[];
}

export type CheckFn = (deps: CheckDeps) => Promise<Omit<CheckResult, 'row'>>;
