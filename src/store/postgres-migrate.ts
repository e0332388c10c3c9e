// Applies the missing migrations to PostgreSQL, each in its own transaction under a transaction-scoped
// advisory lock, so replicas starting together apply each version exactly once.
import type pg from 'pg';
import type { Logger } from '../logger.js';
import { MIGRATIONS, SCHEMA_MIGRATIONS_DDL } from './migrations.js';

const MIGRATION_LOCK = 'cliproxy-auth-bot:migrations';

export async function migratePostgres(pool: pg.Pool, logger: Logger | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    for (const migration of MIGRATIONS) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [MIGRATION_LOCK]);
        await client.query(SCHEMA_MIGRATIONS_DDL.postgres);
        const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
          migration.version,
        ]);
        if (done.rowCount === 0) {
          for (const sql of migration.postgres) await client.query(sql);
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [migration.version, migration.name, Date.now()],
          );
          logger?.info({ version: migration.version, name: migration.name }, 'store migration applied');
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    }
  } finally {
    client.release();
  }
}
