// A throwaway PostgreSQL for the store tests: initdb + pg_ctl from the Debian packages into a temp dir
// (as the `postgres` OS user when running as root), listening only on 127.0.0.1 on a free port, trust
// auth, fsync off. AUTHBOT_TEST_POSTGRES_URL reuses an existing server instead. Missing binaries are
// a test failure naming the install script, never a skip.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';

export interface TestPostgres {
  /** Superuser URL of the server's `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

/** The newest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl. */
export function findPostgresBin(root = PG_ROOT): string {
  const versions = existsSync(root) ? readdirSync(root) : [];
  const bins = versions
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'))
    .filter((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')));
  if (bins[0] === undefined) {
    throw new Error(
      `PostgreSQL server binaries not found (${root}/*/bin/initdb). Run \`bash scripts/install-postgres.sh\`, ` +
        'or set AUTHBOT_TEST_POSTGRES_URL to an existing server.',
    );
  }
  return bins[0];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForConnection(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

export async function startPostgres(): Promise<TestPostgres> {
  const external = process.env.AUTHBOT_TEST_POSTGRES_URL;
  if (external) {
    await waitForConnection(external, 10_000).catch((err: unknown) => {
      throw new Error(`AUTHBOT_TEST_POSTGRES_URL is set but its server does not answer: ${String(err)}`);
    });
    return { url: external, stop: async () => {} };
  }
  const bin = findPostgresBin();
  const asRoot = process.getuid?.() === 0;
  const exec = (tool: string, args: string[], timeout = 60_000) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { timeout })
      : run(join(bin, tool), args, { timeout });

  const dir = mkdtempSync(join(tmpdir(), 'authbot-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const pgCtlStop = ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30'];
  // if the worker exits without afterAll (crash, Ctrl-C), still take the server down
  const onExit = () => {
    try {
      const args = [join(bin, 'pg_ctl'), ...pgCtlStop];
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'ignore' });
      else execFileSync(args[0]!, args.slice(1), { stdio: 'ignore' });
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await exec('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const options = [
        '-c listen_addresses=127.0.0.1',
        `-c port=${port}`,
        `-c unix_socket_directories=${dir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      try {
        await exec('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', options], 90_000);
      } catch (err) {
        lastError = err; // most likely the port was taken between probing and binding: try another
        continue;
      }
      process.once('exit', onExit);
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      await waitForConnection(url, 30_000);
      return {
        url,
        async stop() {
          process.removeListener('exit', onExit);
          await exec('pg_ctl', pgCtlStop).catch(() => undefined);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
    throw new Error(`PostgreSQL did not start: ${String(lastError)}\n${tail}`);
  } catch (err) {
    onExit();
    throw err;
  }
}

/** Creates `test_<random>` on the server and returns its URL; `drop` removes every one made so far. */
export function testDatabases(serverUrl: () => string): {
  create(): Promise<string>;
  dropAll(): Promise<void>;
} {
  const made: string[] = [];
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: serverUrl() });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    async create() {
      const name = `test_${randomBytes(6).toString('hex')}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      made.push(name);
      const url = new URL(serverUrl());
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropAll() {
      const names = made.splice(0);
      if (names.length === 0) return;
      await admin(async (c) => {
        for (const name of names) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}
