// Config snapshots and the snapshot-key check on PostgreSQL. A transaction-scoped advisory lock
// serialises puts across replicas, so "dedupe against the newest" and pruning never interleave.
import type pg from 'pg';
import { type KeyCheckIo, sealContent } from './crypto.js';
import { type SnapshotRow, toSnapshot } from './rows.js';
import type { Snapshot } from './types.js';

const SNAPSHOT_LOCK = 'cliproxy-auth-bot:snapshots';

export async function putPostgresSnapshot(
  pool: pg.Pool,
  snapshot: Snapshot,
  keep: number,
  key: Buffer | undefined,
): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [SNAPSHOT_LOCK]);
      const newest = await client.query<{ hash: string }>(
        'SELECT hash FROM snapshots ORDER BY taken_at DESC, seq DESC LIMIT 1',
      );
      if (newest.rows[0]?.hash === snapshot.hash) {
        await client.query('ROLLBACK');
        return false;
      }
      const sealed = sealContent(snapshot.content, key);
      await client.query(
        'INSERT INTO snapshots (id, taken_at, hash, content, reason, encrypted) VALUES ($1, $2, $3, $4, $5, $6)',
        [snapshot.id, snapshot.takenAt, snapshot.hash, sealed.content, snapshot.reason, sealed.encrypted],
      );
      await client.query(
        `DELETE FROM snapshots WHERE seq NOT IN
           (SELECT seq FROM snapshots ORDER BY taken_at DESC, seq DESC LIMIT $1)`,
        [Math.max(1, Math.floor(keep))],
      );
      await client.query('COMMIT');
      return true;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    client.release();
  }
}

export async function listPostgresSnapshots(
  pool: pg.Pool,
  limit: number | undefined,
  key: Buffer | undefined,
): Promise<Snapshot[]> {
  const { rows } =
    limit === undefined
      ? await pool.query<SnapshotRow>('SELECT * FROM snapshots ORDER BY taken_at DESC, seq DESC')
      : await pool.query<SnapshotRow>('SELECT * FROM snapshots ORDER BY taken_at DESC, seq DESC LIMIT $1', [
          Math.max(0, Math.floor(limit)),
        ]);
  return rows.map((row) => toSnapshot(row, key));
}

export async function getPostgresSnapshot(
  pool: pg.Pool,
  id: string,
  key: Buffer | undefined,
): Promise<Snapshot | null> {
  const { rows } = await pool.query<SnapshotRow>('SELECT * FROM snapshots WHERE id = $1', [id]);
  return rows[0] ? toSnapshot(rows[0], key) : null;
}

export function postgresKeyCheckIo(pool: pg.Pool): KeyCheckIo {
  return {
    readMeta: async (name) => {
      const { rows } = await pool.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [name]);
      return rows[0]?.value ?? null;
    },
    insertMeta: async (name, value) => {
      await pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
        name,
        value,
      ]);
    },
    sampleEncryptedSnapshot: async () => {
      const { rows } = await pool.query<{ content: string }>(
        'SELECT content FROM snapshots WHERE encrypted LIMIT 1',
      );
      return rows[0]?.content ?? null;
    },
    plaintextSnapshots: async () => {
      const { rows } = await pool.query<{ seq: string | number; content: string }>(
        'SELECT seq, content FROM snapshots WHERE NOT encrypted ORDER BY seq',
      );
      return rows.map((r) => ({ seq: Number(r.seq), content: r.content }));
    },
    sealSnapshotRow: async (seq, plaintext, envelope) => {
      const r = await pool.query(
        'UPDATE snapshots SET content = $1, encrypted = TRUE WHERE seq = $2 AND NOT encrypted AND content = $3',
        [envelope, seq, plaintext],
      );
      return r.rowCount === 1;
    },
  };
}
