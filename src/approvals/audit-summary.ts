// Recent requests and their outcome, as plain rows: shared by /auth-audit and `auth-bot audit`.
import type { ApprovalRequest, AuditEvent, Store, Vote } from '../store/types.js';
import { paramsOf, resultOf } from './request-data.js';

export interface AuditRow {
  id: string;
  action: string;
  target: string;
  provider: string;
  credential: string | null;
  requester: string;
  channel: string;
  state: string;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
  approvals: string[];
  denials: string[];
  outcome: string | null;
  runbook: string | null;
}

const iso = (ms: number | null) =>
  ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function summarizeRequest(request: ApprovalRequest, votes: readonly Vote[]): AuditRow {
  const params = paramsOf(request);
  const result = resultOf(request);
  return {
    id: request.id,
    action: params.method === 'legacy' ? 'refresh (legacy kiro)' : request.action,
    target: request.target,
    provider: params.provider,
    credential: params.credential,
    requester: request.requester,
    channel: request.channel,
    state: request.state,
    created_at: iso(request.createdAt) as string,
    decided_by: request.decidedBy,
    decided_at: iso(request.decidedAt),
    approvals: votes.filter((v) => v.decision === 'approve').map((v) => v.userId),
    denials: votes.filter((v) => v.decision === 'deny').map((v) => v.userId),
    outcome: result.reason ?? result.outcome ?? null,
    runbook: result.runbook ?? null,
  };
}

/** The newest `limit` requests with their votes. */
export async function listAuditRows(store: Store, limit = 20): Promise<AuditRow[]> {
  const requests = await store.listRequests({ limit });
  const rows: AuditRow[] = [];
  for (const r of requests) rows.push(summarizeRequest(r, await store.listVotes(r.id)));
  return rows;
}

export interface AuditEventRow {
  at: string;
  kind: string;
  actor: string | null;
  data: Record<string, unknown>;
}

export async function listRequestEvents(
  store: Store,
  requestId: string,
  limit = 500,
): Promise<AuditEventRow[]> {
  const events: AuditEvent[] = await store.listAudit({ correlationId: requestId, limit });
  return events
    .sort((a, b) => a.at - b.at || (a.id ?? 0) - (b.id ?? 0))
    .map((e) => ({ at: iso(e.at) as string, kind: e.kind, actor: e.actor, data: e.data }));
}
