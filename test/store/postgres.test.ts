import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { startPostgres, type TestPostgres, testDatabases } from '../setup/postgres.js';
import { newRequest, storeContract } from './contract.js';

let server: TestPostgres | undefined;
const databases = testDatabases(() => {
  if (!server) throw new Error('PostgreSQL was not started (see the beforeAll error above)');
  return server.url;
});

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await databases.dropAll().catch(() => undefined);
  await server?.stop();
});

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

storeContract('postgres', async () => openStore(await databases.create()), {
  freshUrl: () => databases.create(),
  async rawSnapshotContents(url) {
    const rows = await query<{ content: string }>(url, 'SELECT content FROM snapshots ORDER BY seq');
    return rows.map((r) => r.content);
  },
});

describe('postgres store: server specifics', () => {
  it('lets replicas that start together migrate the same database once', async () => {
    const url = await databases.create();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openStore(url)));
    try {
      expect(stores.every((s) => s instanceof PostgresStore)).toBe(true);
      const versions = await query<{ version: number }>(url, 'SELECT version FROM schema_migrations');
      expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
      const r = await stores[0]!.createRequest(newRequest());
      expect(await stores[3]!.getRequest(r.id)).toEqual(r);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('stores JSON columns as JSONB objects', async () => {
    const url = await databases.create();
    const store = await openStore(url);
    try {
      const r = await store.createRequest(newRequest({ params: { provider: 'kiro', names: ['a'] } }));
      const rows = await query<{ params: unknown; kind: string }>(
        url,
        `SELECT params, jsonb_typeof(params) AS kind FROM requests WHERE id = '${r.id}'`,
      );
      expect(rows[0]).toEqual({ params: { provider: 'kiro', names: ['a'] }, kind: 'object' });
    } finally {
      await store.close();
    }
  });

  it('names AUTHBOT_DATABASE_URL and hides the password when it cannot connect', async () => {
    const failure = await openStore('postgres://bot:hunter2-secret@127.0.0.1:1/authbot').catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ code: 'store_error' });
    const message = (failure as Error).message;
    expect(message).toContain('AUTHBOT_DATABASE_URL');
    expect(message).toContain('127.0.0.1:1');
    expect(message).not.toContain('hunter2-secret');
  });

  it('hides the password when the server rejects the database', async () => {
    const url = new URL(server!.url);
    url.password = 'pw-do-not-print';
    url.pathname = '/no_such_database';
    const failure = await openStore(url.toString()).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'store_error' });
    expect((failure as Error).message).toContain('no_such_database');
    expect((failure as Error).message).not.toContain('pw-do-not-print');
  });
});
