// openStore: the one way the bot gets a Store. Picks the implementation from AUTHBOT_DATABASE_URL,
// applies migrations and checks AUTHBOT_SNAPSHOT_KEY against the stored key-check value.
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  /** 32-byte AES key for snapshots at rest (AUTHBOT_SNAPSHOT_KEY); unset: stored as-is. */
  snapshotKey?: Buffer | undefined;
  logger?: Logger;
}

export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//i.test(databaseUrl);
}

export function isSqliteUrl(databaseUrl: string): boolean {
  return databaseUrl.startsWith('file:') || databaseUrl === ':memory:';
}

/** A database URL fit for logs and errors: the password, if any, is masked. */
export function describeDatabaseUrl(databaseUrl: string): string {
  if (!isPostgresUrl(databaseUrl)) return databaseUrl;
  try {
    const url = new URL(databaseUrl);
    if (url.password !== '') url.password = '***';
    url.searchParams.delete('password');
    return url.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export async function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<Store> {
  let store: Store;
  if (isSqliteUrl(databaseUrl)) {
    store = new SqliteStore(databaseUrl, { snapshotKey: options.snapshotKey, logger: options.logger });
  } else if (isPostgresUrl(databaseUrl)) {
    throw new AppError('bad_config', 'PostgreSQL support is not available yet');
  } else {
    throw new AppError('bad_config', 'AUTHBOT_DATABASE_URL must start with file: or postgres://', {
      hint: 'Use file:./data/auth-bot.sqlite (default) or postgres://USER:PASSWORD@HOST:5432/DB',
    });
  }
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  options.logger?.debug({ store: store.kind, url: describeDatabaseUrl(databaseUrl) }, 'store opened');
  return store;
}
