// What a request carries in the store (params) and what it ends with (result). JSON, no secrets.
import type { LoginRoute } from '../domain/actions/alternatives.js';
import type { Fallback } from '../domain/actions/refresh-plan.js';
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
  /** A planned refresh: what runs where the seed route is missing (probed before the request was posted). */
  fallback?: Fallback | null;
  /** The login route of a planned or requested re-login. */
  login?: LoginRoute | null;
  /** The probed plan's key (refresh-plan planKey): compared again at approval time. */
  planKey?: string | null;
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
    fallback: p.fallback === 'legacy' || p.fallback === 'relogin' ? p.fallback : null,
    login: loginOf(p.login),
    planKey: typeof p.planKey === 'string' ? p.planKey : null,
  };
}

function loginOf(value: unknown): LoginRoute | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<LoginRoute>;
  if (typeof v.name !== 'string') return null;
  return {
    name: v.name,
    answer: v.answer === 'present' ? 'present' : 'unprobed',
    method: typeof v.method === 'string' ? v.method : undefined,
    methods: Array.isArray(v.methods) ? v.methods.map(String) : [],
  };
}

export function resultOf(request: ApprovalRequest): RequestResult {
  return (request.result ?? {}) as RequestResult;
}

/** One mutation per target: every action on a provider's credentials shares the provider as target. */
export function targetOf(provider: string): string {
  return `provider:${provider}`;
}
