// Applies the missing migrations to a SQLite database, each in its own IMMEDIATE transaction
// (a second process starting at the same moment waits on the write lock, then finds it applied).
import type Database from 'better-sqlite3';
import type { Logger } from '../logger.js';
import { MIGRATIONS, SCHEMA_MIGRATIONS_DDL } from './migrations.js';

export function migrateSqlite(db: Database.Database, logger: Logger | undefined): void {
  db.exec(SCHEMA_MIGRATIONS_DDL.sqlite);
  for (const migration of MIGRATIONS) {
    const apply = db.transaction(() => {
      if (db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version)) return;
      for (const sql of migration.sqlite) db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
      logger?.info({ version: migration.version, name: migration.name }, 'store migration applied');
    });
    apply.immediate();
  }
}
