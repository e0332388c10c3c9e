// What every action shares: the edges it needs (client, clock, sleep) and what it reports.
import type { ManagementClient } from '../../cliproxy/types.js';
import type { CredentialState } from '../approvals/fingerprint.js';

export interface ActionDeps {
  client: ManagementClient;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Which credentials an action is about: every credential of a provider, or one named file. */
export interface TargetScope {
  provider: string;
  credential: string | undefined;
}

export type ExecuteOutcome =
  | { kind: 'done'; summary: string }
  | { kind: 'route_missing'; summary: string; version: string | undefined }
  | {
      kind: 'failed';
      summary: string;
      runbook: string | undefined;
      /** The action ran and its answer already proves it did not work: reported as verification checks. */
      checks?: Check[];
    };

export interface Check {
  name: string;
  ok: boolean;
  /** True when the check did not run (e.g. canary not configured); it then counts as passed. */
  skipped?: boolean;
  detail: string;
  runbook?: string | undefined;
}

export interface VerificationReport {
  ok: boolean;
  checks: Check[];
  /** The runbook row that fits the first failed check. */
  runbook: string | undefined;
  after: CredentialState[];
  elapsedMs: number;
}

export interface VerifyOptions {
  pollIntervalMs: number;
  timeoutMs: number;
  canary: { clientKey: string | undefined; model: string | undefined };
  /** refresh / relogin: the token must be newer. reenable: enabled, active and not expired is enough. */
  expect: 'fresh-token' | 'enabled';
  /** Credentials the action did not touch (e.g. disabled ones during a refresh): not judged. */
  ignore?: readonly string[];
  /** When verification and canary must be done (ms epoch, budget.ts); unset: only timeoutMs bounds polling. */
  deadline?: number;
}

export const DEFAULT_VERIFY: Omit<VerifyOptions, 'canary' | 'expect'> = {
  pollIntervalMs: 1000,
  timeoutMs: 8000,
};
