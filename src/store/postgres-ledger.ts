// Votes and the execution ledger on PostgreSQL. Concurrent inserts of the same key wait for
// each other, so exactly one of them inserts; the rest see the conflict.
import type pg from 'pg';
import { type ExecutionRow, toExecution, toVote, type VoteRow } from './rows.js';
import type { Execution, Vote } from './types.js';

const UNIQUE_VIOLATION = '23505';

export async function castPostgresVote(pool: pg.Pool, vote: Vote): Promise<boolean> {
  const result = await pool.query(
    `INSERT INTO votes (request_id, user_id, decision, at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (request_id, user_id) DO NOTHING`,
    [vote.requestId, vote.userId, vote.decision, vote.at],
  );
  return result.rowCount === 1;
}

export async function listPostgresVotes(pool: pg.Pool, requestId: string): Promise<Vote[]> {
  const { rows } = await pool.query<VoteRow>(
    'SELECT * FROM votes WHERE request_id = $1 ORDER BY at, user_id',
    [requestId],
  );
  return rows.map(toVote);
}

/** False on a duplicate request id or a running execution on the same target (partial unique index). */
export async function claimPostgresExecution(
  pool: pg.Pool,
  e: Omit<Execution, 'finishedAt' | 'outcome'>,
): Promise<boolean> {
  try {
    await pool.query(
      `INSERT INTO executions (request_id, target, owner, started_at, finished_at, outcome)
       VALUES ($1, $2, $3, $4, NULL, 'running')`,
      [e.requestId, e.target, e.owner, e.startedAt],
    );
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) return false;
    throw err;
  }
}

export async function finishPostgresExecution(
  pool: pg.Pool,
  requestId: string,
  outcome: Execution['outcome'],
  now: number,
): Promise<void> {
  await pool.query(
    `UPDATE executions SET outcome = $1, finished_at = $2 WHERE request_id = $3 AND outcome = 'running'`,
    [outcome, outcome === 'running' ? null : now, requestId],
  );
}

export async function listPostgresExecutions(
  pool: pg.Pool,
  running: boolean | undefined,
): Promise<Execution[]> {
  const where =
    running === undefined ? '' : running ? ` WHERE outcome = 'running'` : ` WHERE outcome <> 'running'`;
  const { rows } = await pool.query<ExecutionRow>(
    `SELECT * FROM executions${where} ORDER BY started_at DESC, request_id`,
  );
  return rows.map(toExecution);
}
