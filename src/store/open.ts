// openStore: the one way the bot gets a Store. Picks the implementation from AUTHBOT_DATABASE_URL,
// applies migrations and checks AUTHBOT_SNAPSHOT_KEY against the stored key-check value.
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { describeDatabaseUrl, isPostgresUrl, isSqliteUrl } from './database-url.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export { describeDatabaseUrl, isPostgresUrl, isSqliteUrl } from './database-url.js';

export interface OpenStoreOptions {
  /** 32-byte AES key for snapshots at rest (AUTHBOT_SNAPSHOT_KEY); unset: stored as-is. */
  snapshotKey?: Buffer | undefined;
  logger?: Logger;
}

/** Opens and migrates the store named by `databaseUrl` (`file:...`, `postgres://...`, `postgresql://...`). */
export async function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<Store> {
  const storeOptions = { snapshotKey: options.snapshotKey, logger: options.logger };
  let store: Store;
  if (isSqliteUrl(databaseUrl)) {
    store = new SqliteStore(databaseUrl, storeOptions);
  } else if (isPostgresUrl(databaseUrl)) {
    // loaded only when used: pg adds ~10 MB of resident memory to every SQLite deployment
    const { PostgresStore } = await import('./postgres.js');
    const postgres = new PostgresStore(databaseUrl, storeOptions);
    store = postgres;
    try {
      await postgres.connect();
    } catch (err) {
      await postgres.close().catch(() => undefined);
      throw err;
    }
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
