// Row <-> domain mapping shared by both stores. Column names are snake_case; PostgreSQL returns BIGINT
// as strings and JSONB as objects, SQLite returns numbers and TEXT, so every reader normalises both.
import { AppError } from '../errors.js';
import { openContent } from './crypto.js';
import type {
  ActionName,
  ApprovalRequest,
  AuditEvent,
  Execution,
  NewRequest,
  RequestState,
  Snapshot,
  TransitionPatch,
  Vote,
} from './types.js';

type Num = number | string | bigint;

export interface RequestRow {
  id: string;
  action: string;
  target: string;
  params: unknown;
  requester: string;
  channel: string;
  message_ts: string | null;
  state: string;
  approvals_required: Num;
  fingerprint: string;
  created_at: Num;
  expires_at: Num;
  updated_at: Num;
  decided_by: string | null;
  decided_at: Num | null;
  result: unknown;
}

export interface VoteRow {
  request_id: string;
  user_id: string;
  decision: string;
  at: Num;
}

export interface ExecutionRow {
  request_id: string;
  target: string;
  owner: string;
  started_at: Num;
  finished_at: Num | null;
  outcome: string;
}

export interface AuditRow {
  id: Num;
  correlation_id: string;
  at: Num;
  kind: string;
  actor: string | null;
  data: unknown;
}

export interface SnapshotRow {
  id: string;
  taken_at: Num;
  hash: string;
  content: string;
  reason: string;
  encrypted: boolean | number;
}

const num = (v: Num): number => Number(v);
const numOrNull = (v: Num | null): number | null => (v === null ? null : Number(v));

function object(v: unknown): Record<string, unknown> {
  const parsed: unknown = typeof v === 'string' ? JSON.parse(v) : v;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AppError('store_error', 'A stored JSON column does not hold an object');
  }
  return parsed as Record<string, unknown>;
}

export function toRequest(row: RequestRow): ApprovalRequest {
  return {
    id: row.id,
    action: row.action as ActionName,
    target: row.target,
    params: object(row.params),
    requester: row.requester,
    channel: row.channel,
    messageTs: row.message_ts,
    state: row.state as RequestState,
    approvalsRequired: num(row.approvals_required),
    fingerprint: row.fingerprint,
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    updatedAt: num(row.updated_at),
    decidedBy: row.decided_by,
    decidedAt: numOrNull(row.decided_at),
    result: row.result === null ? null : object(row.result),
  };
}

export function toVote(row: VoteRow): Vote {
  return {
    requestId: row.request_id,
    userId: row.user_id,
    decision: row.decision as Vote['decision'],
    at: num(row.at),
  };
}

export function toExecution(row: ExecutionRow): Execution {
  return {
    requestId: row.request_id,
    target: row.target,
    owner: row.owner,
    startedAt: num(row.started_at),
    finishedAt: numOrNull(row.finished_at),
    outcome: row.outcome as Execution['outcome'],
  };
}

export function toAudit(row: AuditRow): AuditEvent {
  return {
    id: num(row.id),
    correlationId: row.correlation_id,
    at: num(row.at),
    kind: row.kind,
    actor: row.actor,
    data: object(row.data),
  };
}

/** Decrypts the content when it was stored encrypted (a `bad_config` error without the right key). */
export function toSnapshot(row: SnapshotRow, key: Buffer | undefined): Snapshot {
  return {
    id: row.id,
    takenAt: num(row.taken_at),
    hash: row.hash,
    content: openContent(row.content, Boolean(row.encrypted), key),
    reason: row.reason,
  };
}

/** Column assignments for a transition patch, in a stable order; values are JSON-encoded where needed. */
export function patchColumns(patch: TransitionPatch): Array<[column: string, value: unknown]> {
  const columns: Array<[string, unknown]> = [];
  if (patch.decidedBy !== undefined) columns.push(['decided_by', patch.decidedBy]);
  if (patch.decidedAt !== undefined) columns.push(['decided_at', patch.decidedAt]);
  if (patch.result !== undefined)
    columns.push(['result', patch.result === null ? null : JSON.stringify(patch.result)]);
  if (patch.messageTs !== undefined) columns.push(['message_ts', patch.messageTs]);
  if (patch.fingerprint !== undefined) columns.push(['fingerprint', patch.fingerprint]);
  return columns;
}

/** The error createRequest throws when another open request holds the same action and target. */
export function openRequestClash(r: Pick<NewRequest, 'action' | 'target'>, cause: unknown): AppError {
  return new AppError('conflict', `Another ${r.action} request is already open for ${r.target}.`, {
    details: { action: r.action, target: r.target },
    cause,
  });
}

/** Wraps a driver failure in the store's error code; AppErrors pass through unchanged. */
export function storeFailure(operation: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new AppError('store_error', `Store operation ${operation} failed: ${message}`, {
    hint: 'Check that the database in AUTHBOT_DATABASE_URL is reachable and writable.',
    cause: err,
  });
}
