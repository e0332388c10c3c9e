// Management keys the proxy rejected (401), by fingerprint: one replica's 401 stops every replica, and a
// restart with the same wrong key sends nothing. One upsert per record, so concurrent records from
// several replicas never conflict; the latest time wins.
import type Database from 'better-sqlite3';
import type pg from 'pg';

export function recordSqliteRejectedKey(db: Database.Database, fingerprint: string, at: number): void {
  db.prepare(
    `INSERT INTO rejected_keys (fingerprint, rejected_at) VALUES (?, ?)
     ON CONFLICT (fingerprint) DO UPDATE SET rejected_at = MAX(rejected_at, excluded.rejected_at)`,
  ).run(fingerprint, at);
}

export function sqliteKeyRejectedAt(db: Database.Database, fingerprint: string): number | null {
  const row = db.prepare('SELECT rejected_at FROM rejected_keys WHERE fingerprint = ?').get(fingerprint) as
    | { rejected_at: number }
    | undefined;
  return row ? Number(row.rejected_at) : null;
}

export async function recordPostgresRejectedKey(
  pool: pg.Pool,
  fingerprint: string,
  at: number,
): Promise<void> {
  await pool.query(
    `INSERT INTO rejected_keys (fingerprint, rejected_at) VALUES ($1, $2)
     ON CONFLICT (fingerprint) DO UPDATE SET rejected_at = GREATEST(rejected_keys.rejected_at, excluded.rejected_at)`,
    [fingerprint, at],
  );
}

export async function postgresKeyRejectedAt(pool: pg.Pool, fingerprint: string): Promise<number | null> {
  const { rows } = await pool.query<{ rejected_at: string }>(
    'SELECT rejected_at FROM rejected_keys WHERE fingerprint = $1',
    [fingerprint],
  );
  return rows[0] ? Number(rows[0].rejected_at) : null;
}
