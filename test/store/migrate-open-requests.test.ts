// Migration 2 on a database written by version 1, where the race it closes left two open requests for
// the same action and target: the newest stays open, the older one is closed, and the unique index holds
// from then on. SQLite and PostgreSQL.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_MIGRATIONS_DDL } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open.js';
import { startPostgres, type TestPostgres, testDatabases } from '../setup/postgres.js';
import { newRequest, T0 } from './fixtures.js';

const V1 = MIGRATIONS.find((m) => m.version === 1)!;
const ROWS = [
  // id, state, created_at: two pending twins, two running twins, one denied (closed, untouched)
  ['req-old-pending', 'pending', T0],
  ['req-new-pending', 'pending', T0 + 1],
  ['req-old-running', 'running', T0],
  ['req-new-running', 'approved', T0 + 1],
  ['req-denied', 'denied', T0 + 2],
] as const;
const targetOf = (id: string) => (id.includes('running') ? 'provider:iflow' : 'provider:kiro');

async function checkMigrated(url: string) {
  const store = await openStore(url);
  try {
    const state = async (id: string) => (await store.getRequest(id))?.state;
    expect(await state('req-old-pending')).toBe('expired');
    expect(await state('req-new-pending')).toBe('pending');
    expect(await state('req-old-running')).toBe('interrupted');
    expect(await state('req-new-running')).toBe('approved');
    expect(await state('req-denied')).toBe('denied');
    await expect(store.createRequest(newRequest())).rejects.toMatchObject({ code: 'conflict' });
  } finally {
    await store.close();
  }
}

describe('migration 2 (one open request per action and target)', () => {
  it('resolves open twins left by version 1 on SQLite', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'authbot-mig-')), 'bot.sqlite');
    const db = new Database(path);
    db.exec(SCHEMA_MIGRATIONS_DDL.sqlite);
    for (const sql of V1.sqlite) db.exec(sql);
    db.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run(V1.name, T0);
    const insert = db.prepare(
      `INSERT INTO requests (id, action, target, params, requester, channel, state, approvals_required,
         fingerprint, created_at, expires_at, updated_at) VALUES (?, 'refresh', ?, '{}', 'U0', 'C0', ?, 1, 'fp', ?, ?, ?)`,
    );
    for (const [id, state, at] of ROWS) insert.run(id, targetOf(id), state, at, at + 60_000, at);
    db.close();
    await checkMigrated(`file:${path}`);
  });

  describe('on PostgreSQL', () => {
    let server: TestPostgres | undefined;
    const dbs = testDatabases(() => server!.url);
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(async () => {
      await dbs.dropAll().catch(() => undefined);
      await server?.stop();
    });

    it('resolves open twins left by version 1', async () => {
      const url = await dbs.create();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(SCHEMA_MIGRATIONS_DDL.postgres);
        for (const sql of V1.postgres) await client.query(sql);
        await client.query('INSERT INTO schema_migrations VALUES (1, $1, $2)', [V1.name, T0]);
        for (const [id, state, at] of ROWS) {
          await client.query(
            `INSERT INTO requests (id, action, target, params, requester, channel, state, approvals_required,
               fingerprint, created_at, expires_at, updated_at)
             VALUES ($1, 'refresh', $2, '{}', 'U0', 'C0', $3, 1, 'fp', $4, $5, $4)`,
            [id, targetOf(id), state, at, at + 60_000],
          );
        }
      } finally {
        await client.end();
      }
      await checkMigrated(url);
    });
  });
});
