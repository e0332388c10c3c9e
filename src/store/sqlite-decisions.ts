// The deciding writes on SQLite that look at more than one row: approve (votes and expiry), deny
// (vote and state together), interval slots and leases on the database clock, and interrupting an
// execution whose owner's lease lapsed. Each is one statement or one IMMEDIATE transaction.
import type Database from 'better-sqlite3';
import { SQLITE_NOW_MS } from './db-clock.js';
import { type ExecutionRow, type RequestRow, toExecution, toRequest } from './rows.js';
import type { ApprovalRequest, Execution, Vote } from './types.js';

export function isSqliteOpenClash(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === 'SQLITE_CONSTRAINT_UNIQUE' && /requests\.action, requests\.target/.test(e.message ?? '');
}

export function approveSqliteRequest(
  db: Database.Database,
  id: string,
  now: number,
  decidedBy: string,
): ApprovalRequest | null {
  const row = db
    .prepare(
      `UPDATE requests SET state = 'approved', updated_at = ?, decided_by = ?, decided_at = ?
       WHERE id = ? AND state = 'pending' AND expires_at > ?
         AND NOT EXISTS (SELECT 1 FROM votes WHERE request_id = requests.id AND decision = 'deny')
         AND (SELECT COUNT(DISTINCT user_id) FROM votes
              WHERE request_id = requests.id AND decision = 'approve') >= approvals_required
       RETURNING *`,
    )
    .get(now, decidedBy, now, id, now) as RequestRow | undefined;
  return row ? toRequest(row) : null;
}

export function denySqliteRequest(db: Database.Database, vote: Vote): ApprovalRequest | null {
  const deny = db.transaction((): ApprovalRequest | null => {
    const row = db
      .prepare(
        `UPDATE requests SET state = 'denied', updated_at = ?, decided_by = ?, decided_at = ?
         WHERE id = ? AND state = 'pending'
           AND NOT EXISTS (SELECT 1 FROM votes WHERE request_id = requests.id AND user_id = ?)
         RETURNING *`,
      )
      .get(vote.at, vote.userId, vote.at, vote.requestId, vote.userId) as RequestRow | undefined;
    if (!row) return null;
    db.prepare(`INSERT INTO votes (request_id, user_id, decision, at) VALUES (?, ?, 'deny', ?)`).run(
      vote.requestId,
      vote.userId,
      vote.at,
    );
    return toRequest(row);
  });
  return deny.immediate();
}

/** Takes the lease when it is free, expired, or already ours (then renews it); times on the DB clock. */
export function trySqliteLease(db: Database.Database, name: string, owner: string, ttlMs: number): boolean {
  const row = db
    .prepare(
      `INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ${SQLITE_NOW_MS} + ?)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE leases.owner = excluded.owner OR leases.expires_at <= excluded.expires_at - ?
       RETURNING name`,
    )
    .get(name, owner, ttlMs, ttlMs);
  return row !== undefined;
}

/** Claims the current interval slot of `name` (DB clock); the slot's start when this call claimed it. */
export function claimSqliteSlot(
  db: Database.Database,
  name: string,
  owner: string,
  intervalMs: number,
): number | null {
  const row = db
    .prepare(
      `INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, (${SQLITE_NOW_MS} / CAST(? AS INTEGER)) * ? + ?)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE leases.expires_at < excluded.expires_at
       RETURNING expires_at`,
    )
    .get(name, owner, intervalMs, intervalMs, intervalMs) as { expires_at: number } | undefined;
  return row ? Number(row.expires_at) - intervalMs : null;
}

/** Marks a running execution interrupted when the lease `ownerLease` is missing or expired (DB clock). */
export function interruptSqliteAbandoned(
  db: Database.Database,
  requestId: string,
  ownerLease: string,
): Execution | null {
  const row = db
    .prepare(
      `UPDATE executions SET outcome = 'interrupted', finished_at = ${SQLITE_NOW_MS}
       WHERE request_id = ? AND outcome = 'running'
         AND NOT EXISTS (SELECT 1 FROM leases WHERE name = ? AND expires_at > ${SQLITE_NOW_MS})
       RETURNING *`,
    )
    .get(requestId, ownerLease) as ExecutionRow | undefined;
  return row ? toExecution(row) : null;
}
