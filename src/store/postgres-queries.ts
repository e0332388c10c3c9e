// The longer statements behind PostgresStore's methods: inserting and listing approval requests, listing
// the audit trail.
// `rows` runs one statement and turns a failure into the store's error (PostgresStore supplies it).
import type pg from 'pg';
import { type AuditRow, type RequestRow, toAudit, toRequest } from './rows.js';
import type { ApprovalRequest, AuditEvent, NewRequest, RequestState } from './types.js';

export type Rows = <R extends pg.QueryResultRow>(
  operation: string,
  sql: string,
  params?: unknown[],
) => Promise<R[]>;

export async function insertPostgresRequest(rows: Rows, r: NewRequest): Promise<ApprovalRequest> {
  const [row] = await rows<RequestRow>(
    'createRequest',
    `INSERT INTO requests (id, action, target, params, requester, channel, message_ts, state,
         approvals_required, fingerprint, created_at, expires_at, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, $11) RETURNING *`,
    [
      r.id,
      r.action,
      r.target,
      JSON.stringify(r.params),
      r.requester,
      r.channel,
      r.messageTs ?? null,
      r.state,
      r.approvalsRequired,
      r.fingerprint,
      r.createdAt,
      r.expiresAt,
    ],
  );
  return toRequest(row!);
}

export async function listPostgresRequests(
  rows: Rows,
  options: { limit?: number; states?: RequestState[] },
): Promise<ApprovalRequest[]> {
  const params: unknown[] = [];
  let sql = 'SELECT * FROM requests';
  if (options.states !== undefined) {
    if (options.states.length === 0) return [];
    params.push(options.states);
    sql += ' WHERE state = ANY($1::text[])';
  }
  sql += ' ORDER BY created_at DESC, id DESC';
  if (options.limit !== undefined) {
    params.push(Math.max(0, Math.floor(options.limit)));
    sql += ` LIMIT $${params.length}`;
  }
  return (await rows<RequestRow>('listRequests', sql, params)).map(toRequest);
}

export async function listPostgresAudit(
  rows: Rows,
  options: { correlationId?: string; limit?: number },
): Promise<AuditEvent[]> {
  const params: unknown[] = [];
  let sql = 'SELECT * FROM audit_events';
  if (options.correlationId !== undefined) {
    params.push(options.correlationId);
    sql += ' WHERE correlation_id = $1';
  }
  sql += ' ORDER BY at DESC, id DESC';
  if (options.limit !== undefined) {
    params.push(Math.max(0, Math.floor(options.limit)));
    sql += ` LIMIT $${params.length}`;
  }
  return (await rows<AuditRow>('listAudit', sql, params)).map(toAudit);
}
