// The deciding writes on PostgreSQL that look at more than one row: approve (votes and expiry), deny
// (vote and state in one statement), interval slots and leases on the database clock, and interrupting
// an execution whose owner's lease lapsed. Approve and deny both update the request row, so they queue
// on its row lock and the later one re-checks `state = 'pending'` against the winner's write.
import type pg from 'pg';
import { POSTGRES_NOW_MS } from './db-clock.js';
import { type ExecutionRow, type RequestRow, toExecution, toRequest } from './rows.js';
import type { ApprovalRequest, Execution, Vote } from './types.js';

export function isPostgresOpenClash(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === 'requests_one_open_per_target';
}

export async function approvePostgresRequest(
  pool: pg.Pool,
  id: string,
  now: number,
  decidedBy: string,
): Promise<ApprovalRequest | null> {
  const { rows } = await pool.query<RequestRow>(
    `UPDATE requests SET state = 'approved', updated_at = $2, decided_by = $3, decided_at = $2
     WHERE id = $1 AND state = 'pending' AND expires_at > $2
       AND NOT EXISTS (SELECT 1 FROM votes WHERE request_id = requests.id AND decision = 'deny')
       AND (SELECT COUNT(DISTINCT user_id) FROM votes
            WHERE request_id = requests.id AND decision = 'approve') >= approvals_required
     RETURNING *`,
    [id, now, decidedBy],
  );
  return rows[0] ? toRequest(rows[0]) : null;
}

export async function denyPostgresRequest(pool: pg.Pool, vote: Vote): Promise<ApprovalRequest | null> {
  const { rows } = await pool.query<RequestRow>(
    `WITH denied AS (
       UPDATE requests SET state = 'denied', updated_at = $3, decided_by = $2, decided_at = $3
       WHERE id = $1 AND state = 'pending'
         AND NOT EXISTS (SELECT 1 FROM votes WHERE request_id = $1 AND user_id = $2)
       RETURNING *
     ), recorded AS (
       INSERT INTO votes (request_id, user_id, decision, at)
       SELECT id, $2, 'deny', $3 FROM denied
       ON CONFLICT (request_id, user_id) DO NOTHING
     )
     SELECT * FROM denied`,
    [vote.requestId, vote.userId, vote.at],
  );
  return rows[0] ? toRequest(rows[0]) : null;
}

/** Takes the lease when it is free, expired, or already ours (then renews it); times on the DB clock. */
export async function tryPostgresLease(
  pool: pg.Pool,
  name: string,
  owner: string,
  ttlMs: number,
): Promise<boolean> {
  const { rows } = await pool.query(
    `INSERT INTO leases (name, owner, expires_at) VALUES ($1, $2, ${POSTGRES_NOW_MS} + $3)
     ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
     WHERE leases.owner = EXCLUDED.owner OR leases.expires_at <= EXCLUDED.expires_at - $3
     RETURNING name`,
    [name, owner, ttlMs],
  );
  return rows.length === 1;
}

/** Claims the current interval slot of `name` (DB clock); the slot's start when this call claimed it. */
export async function claimPostgresSlot(
  pool: pg.Pool,
  name: string,
  owner: string,
  intervalMs: number,
): Promise<number | null> {
  const { rows } = await pool.query<{ expires_at: string }>(
    `INSERT INTO leases (name, owner, expires_at) VALUES ($1, $2, (${POSTGRES_NOW_MS} / $3) * $3 + $3)
     ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
     WHERE leases.expires_at < EXCLUDED.expires_at
     RETURNING expires_at`,
    [name, owner, intervalMs],
  );
  return rows[0] ? Number(rows[0].expires_at) - intervalMs : null;
}

/** Marks a running execution interrupted when the lease `ownerLease` is missing or expired (DB clock). */
export async function interruptPostgresAbandoned(
  pool: pg.Pool,
  requestId: string,
  ownerLease: string,
): Promise<Execution | null> {
  const { rows } = await pool.query<ExecutionRow>(
    `UPDATE executions SET outcome = 'interrupted', finished_at = ${POSTGRES_NOW_MS}
     WHERE request_id = $1 AND outcome = 'running'
       AND NOT EXISTS (SELECT 1 FROM leases WHERE name = $2 AND expires_at > ${POSTGRES_NOW_MS})
     RETURNING *`,
    [requestId, ownerLease],
  );
  return rows[0] ? toExecution(rows[0]) : null;
}
