// What a request carries in the store (params) and what it ends with (result). JSON, no secrets.
import type { Check } from '../domain/actions/types.js';
import type { CredentialState } from '../domain/approvals/fingerprint.js';
import type { ApprovalRequest } from '../store/types.js';

export type RefreshMethod = 'seed' | 'legacy';

export interface RequestParams {
  provider: string;
  credential: string | null;
  method: RefreshMethod | null;
  /** The credentials the action touches (re-enable: the ones it switches back on). */
  credentials: string[];
  states: CredentialState[];
  serverVersion: string | null;
  plan: string;
  parentId: string | null;
  source: string | null;
}

export interface RequestResult {
  /** Why it ended this way (stale, denied, failed before verifying...). */
  reason?: string;
  outcome?: string;
  verification?: boolean;
  checks?: Check[];
  runbook?: string | null;
  hint?: string | null;
}

export function paramsOf(request: ApprovalRequest): RequestParams {
  const p = request.params as Partial<RequestParams>;
  return {
    provider: String(p.provider ?? ''),
    credential: typeof p.credential === 'string' ? p.credential : null,
    method: p.method === 'legacy' || p.method === 'seed' ? p.method : null,
    credentials: Array.isArray(p.credentials) ? p.credentials.map(String) : [],
    states: Array.isArray(p.states) ? p.states : [],
    serverVersion: typeof p.serverVersion === 'string' ? p.serverVersion : null,
    plan: String(p.plan ?? ''),
    parentId: typeof p.parentId === 'string' ? p.parentId : null,
    source: typeof p.source === 'string' ? p.source : null,
  };
}

export function resultOf(request: ApprovalRequest): RequestResult {
  return (request.result ?? {}) as RequestResult;
}

/** One mutation per target: every action on a provider's credentials shares the provider as target. */
export function targetOf(provider: string): string {
  return `provider:${provider}`;
}
