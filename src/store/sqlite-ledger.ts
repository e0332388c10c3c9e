// Votes and the execution ledger on SQLite: each decision is one statement whose outcome
// (a row inserted or not) says who won.
import type Database from 'better-sqlite3';
import { type ExecutionRow, toExecution, toVote, type VoteRow } from './rows.js';
import type { Execution, Vote } from './types.js';

const DUPLICATE = ['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE'];

export function castSqliteVote(db: Database.Database, vote: Vote): boolean {
  const info = db
    .prepare(
      `INSERT INTO votes (request_id, user_id, decision, at) VALUES (?, ?, ?, ?)
       ON CONFLICT (request_id, user_id) DO NOTHING`,
    )
    .run(vote.requestId, vote.userId, vote.decision, vote.at);
  return info.changes === 1;
}

export function listSqliteVotes(db: Database.Database, requestId: string): Vote[] {
  const rows = db
    .prepare('SELECT * FROM votes WHERE request_id = ? ORDER BY at, user_id')
    .all(requestId) as VoteRow[];
  return rows.map(toVote);
}

/** False on a duplicate request id or a running execution on the same target (partial unique index). */
export function claimSqliteExecution(
  db: Database.Database,
  e: Omit<Execution, 'finishedAt' | 'outcome'>,
): boolean {
  try {
    db.prepare(
      `INSERT INTO executions (request_id, target, owner, started_at, finished_at, outcome)
       VALUES (?, ?, ?, ?, NULL, 'running')`,
    ).run(e.requestId, e.target, e.owner, e.startedAt);
    return true;
  } catch (err) {
    if (DUPLICATE.includes((err as { code?: string }).code ?? '')) return false;
    throw err;
  }
}

export function finishSqliteExecution(
  db: Database.Database,
  requestId: string,
  outcome: Execution['outcome'],
  now: number,
): void {
  db.prepare(
    `UPDATE executions SET outcome = ?, finished_at = ? WHERE request_id = ? AND outcome = 'running'`,
  ).run(outcome, outcome === 'running' ? null : now, requestId);
}

export function listSqliteExecutions(db: Database.Database, running: boolean | undefined): Execution[] {
  const where =
    running === undefined ? '' : running ? ` WHERE outcome = 'running'` : ` WHERE outcome <> 'running'`;
  const rows = db
    .prepare(`SELECT * FROM executions${where} ORDER BY started_at DESC, request_id`)
    .all() as ExecutionRow[];
  return rows.map(toExecution);
}
