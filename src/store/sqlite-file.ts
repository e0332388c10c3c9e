// Opening the SQLite database named by AUTHBOT_DATABASE_URL (`file:./data/auth-bot.sqlite`,
// `file:///abs/path.sqlite`, `file::memory:` or `:memory:`), creating its directory on first start.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { AppError } from '../errors.js';

export const MEMORY = ':memory:';

/** The file path (or `:memory:`) a `file:` URL points at. Query strings are ignored. */
export function sqlitePath(databaseUrl: string): string {
  const url = databaseUrl.split('?')[0] ?? databaseUrl;
  if (url === MEMORY || url === 'file::memory:' || url === 'file:memory') return MEMORY;
  if (url.startsWith('file://')) return fileURLToPath(url);
  if (url.startsWith('file:')) return url.slice('file:'.length);
  return url;
}

export function openSqliteDatabase(databaseUrl: string): { db: Database.Database; path: string } {
  const path = sqlitePath(databaseUrl);
  if (path === '') {
    throw new AppError('bad_config', 'AUTHBOT_DATABASE_URL names no SQLite file', {
      hint: 'Use file:./data/auth-bot.sqlite or postgres://...',
    });
  }
  try {
    if (path !== MEMORY) mkdirSync(dirname(resolve(path)), { recursive: true });
    const db = new Database(path);
    db.pragma('busy_timeout = 5000');
    if (path !== MEMORY) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    return { db, path };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new AppError(
      'store_error',
      `Cannot open the SQLite database ${path} (AUTHBOT_DATABASE_URL): ${reason}`,
      {
        hint: 'Check that AUTHBOT_DATABASE_URL points at a writable file (its directory is created if missing).',
        cause: err,
      },
    );
  }
}
