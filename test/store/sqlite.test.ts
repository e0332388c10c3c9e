import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { sqlitePath } from '../../src/store/sqlite-file.js';
import { newRequest, storeContract } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'authbot-sqlite-'));
let counter = 0;
const freshUrl = async () => `file:${join(dir, `db-${++counter}`, 'auth-bot.sqlite')}`;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('sqlite', async () => openStore(await freshUrl()), {
  freshUrl,
  async rawSnapshotContents(url) {
    const db = new Database(sqlitePath(url), { readonly: true });
    try {
      return (db.prepare('SELECT content FROM snapshots ORDER BY seq').all() as { content: string }[]).map(
        (r) => r.content,
      );
    } finally {
      db.close();
    }
  },
});

describe('sqlite store: files', () => {
  it('reads file: URLs in each accepted form', () => {
    expect(sqlitePath('file:./data/auth-bot.sqlite')).toBe('./data/auth-bot.sqlite');
    expect(sqlitePath('file:///var/lib/bot/db.sqlite')).toBe('/var/lib/bot/db.sqlite');
    expect(sqlitePath('file::memory:')).toBe(':memory:');
    expect(sqlitePath(':memory:')).toBe(':memory:');
  });

  it('creates the parent directory and uses WAL mode', async () => {
    const url = `file:${join(dir, 'nested', 'deeper', 'bot.sqlite')}`;
    const store = await openStore(url);
    expect(store).toBeInstanceOf(SqliteStore);
    await store.close();
    const db = new Database(sqlitePath(url));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect((db.prepare('SELECT version FROM schema_migrations').all() as unknown[]).length).toBeGreaterThan(
      0,
    );
    db.close();
  });

  it('runs in memory for tests', async () => {
    const store = await openStore('file::memory:');
    const r = await store.createRequest(newRequest());
    expect(await store.getRequest(r.id)).toEqual(r);
    await store.close();
  });

  it('names AUTHBOT_DATABASE_URL when the file cannot be opened', async () => {
    const blocker = join(dir, 'not-a-dir');
    await (await openStore(`file:${blocker}`)).close();
    const failure = await openStore(`file:${join(blocker, 'child.sqlite')}`).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'store_error' });
    expect((failure as Error).message).toContain('AUTHBOT_DATABASE_URL');
  });

  it('rejects a URL that is neither file: nor postgres://', async () => {
    await expect(openStore('mysql://x')).rejects.toMatchObject({ code: 'bad_config' });
  });
});
