// Config snapshots and the snapshot-key check on SQLite: dedupe against the newest hash, keep-N
// pruning and encryption at rest, each put in one IMMEDIATE transaction.
import type Database from 'better-sqlite3';
import { type KeyCheckIo, sealContent } from './crypto.js';
import { type SnapshotRow, toSnapshot } from './rows.js';
import type { Snapshot } from './types.js';

export function putSqliteSnapshot(
  db: Database.Database,
  snapshot: Snapshot,
  keep: number,
  key: Buffer | undefined,
): boolean {
  const put = db.transaction(() => {
    const newest = db.prepare('SELECT hash FROM snapshots ORDER BY taken_at DESC, seq DESC LIMIT 1').get() as
      | { hash: string }
      | undefined;
    if (newest?.hash === snapshot.hash) return false;
    const sealed = sealContent(snapshot.content, key);
    db.prepare(
      'INSERT INTO snapshots (id, taken_at, hash, content, reason, encrypted) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      snapshot.id,
      snapshot.takenAt,
      snapshot.hash,
      sealed.content,
      snapshot.reason,
      sealed.encrypted ? 1 : 0,
    );
    db.prepare(
      `DELETE FROM snapshots WHERE seq NOT IN
         (SELECT seq FROM snapshots ORDER BY taken_at DESC, seq DESC LIMIT ?)`,
    ).run(Math.max(1, Math.floor(keep)));
    return true;
  });
  return put.immediate();
}

export function listSqliteSnapshots(
  db: Database.Database,
  limit: number | undefined,
  key: Buffer | undefined,
): Snapshot[] {
  const limitClause = limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(limit))}`;
  const rows = db
    .prepare(`SELECT * FROM snapshots ORDER BY taken_at DESC, seq DESC${limitClause}`)
    .all() as SnapshotRow[];
  return rows.map((row) => toSnapshot(row, key));
}

export function getSqliteSnapshot(
  db: Database.Database,
  id: string,
  key: Buffer | undefined,
): Snapshot | null {
  const row = db.prepare('SELECT * FROM snapshots WHERE id = ?').get(id) as SnapshotRow | undefined;
  return row ? toSnapshot(row, key) : null;
}

export function sqliteKeyCheckIo(db: Database.Database): KeyCheckIo {
  return {
    readMeta: async (name) => {
      const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(name) as
        | { value: string }
        | undefined;
      return row?.value ?? null;
    },
    insertMeta: async (name, value) => {
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(name, value);
    },
    sampleEncryptedSnapshot: async () => {
      const row = db.prepare('SELECT content FROM snapshots WHERE encrypted = 1 LIMIT 1').get() as
        | { content: string }
        | undefined;
      return row?.content ?? null;
    },
    plaintextSnapshots: async () =>
      db.prepare('SELECT seq, content FROM snapshots WHERE encrypted = 0 ORDER BY seq').all() as {
        seq: number;
        content: string;
      }[],
    sealSnapshotRow: async (seq, plaintext, envelope) =>
      db
        .prepare(
          'UPDATE snapshots SET content = ?, encrypted = 1 WHERE seq = ? AND encrypted = 0 AND content = ?',
        )
        .run(envelope, seq, plaintext).changes === 1,
  };
}
