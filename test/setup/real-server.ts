// Starts the real CLIProxyAPI server (built by scripts/install-cliproxyapi.sh into .cache/bin) on a free
// loopback port with a temporary, writable config and an auth-dir seeded with token files.
//
//   const server = await startRealServer();            // seeded: Kiro IDC without client_secret, iFlow, expired Claude
//   const client = createManagementClient({ baseUrl: server.url, managementKey: server.managementKey });
//   server.requestLog('/v0/management/config')          // the server's own access-log lines for a path
//   await server.close();
//
// A missing binary is an error (tests fail and say how to build it), never a skip.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach } from 'vitest';

const BIN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../.cache/bin');

export const REAL_SERVER_BINARY = join(BIN_DIR, 'cliproxyapi-server');

/** The real builds the contract suite runs against, each built by its own script into .cache/bin. */
export interface RealBuild {
  name: 'upstream' | 'plus';
  /** What X-CPA-VERSION reports (the install scripts stamp it). */
  version: string;
  binary: string;
  install: string;
  /** A route that answers once the server listens: Plus-era builds have no /healthz. */
  readyPath: string;
}

export const REAL_BUILDS: Record<RealBuild['name'], RealBuild> = {
  upstream: {
    name: 'upstream',
    version: 'v7.2.140',
    binary: REAL_SERVER_BINARY,
    install: 'bash scripts/install-cliproxyapi.sh',
    readyPath: '/healthz',
  },
  plus: {
    name: 'plus',
    version: 'v6.9.2-0',
    binary: join(BIN_DIR, 'cliproxyapiplus-server'),
    install: 'bash scripts/install-cliproxyapiplus.sh',
    readyPath: '/',
  },
};

/** Both builds, for describe.each: the same contract, parameterised by build. */
export const BOTH_BUILDS: RealBuild[] = [REAL_BUILDS.upstream, REAL_BUILDS.plus];

export interface RealServerOptions {
  /** Plaintext management key; null: no remote-management.secret-key (the management API is off). */
  managementKey?: string | null;
  /** The single client key in api-keys. */
  clientKey?: string;
  /** Token files to write into auth-dir, by file name. Default: seedTokenFiles().files. */
  authFiles?: Record<string, Record<string, unknown>>;
  /** Which real build to run; default upstream. */
  build?: RealBuild['name'];
  /** The server binary; default the build's. */
  binary?: string;
  /** Extra environment for the server process (e.g. HTTPS_PROXY, SSL_CERT_FILE). */
  env?: Record<string, string>;
  /** How long to wait for the server to answer /healthz. */
  startTimeoutMs?: number;
}

export interface RealServer {
  build: RealBuild;
  url: string;
  port: number;
  managementKey: string | undefined;
  clientKey: string;
  authDir: string;
  configPath: string;
  /** Everything the server printed so far (its access log goes to stdout). */
  logs(): string;
  /** The server's access-log lines for requests to exactly `path`, e.g. "/v0/management/config". */
  requestLog(path: string): string[];
  close(): Promise<void>;
}

/** The seed: a Kiro IDC file without client_secret, an iFlow file without refresh token, an expired Claude file. */
export function seedTokenFiles(): { files: Record<string, Record<string, unknown>>; secrets: string[] } {
  const tag = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const s = (name: string) => `${name}-${tag}`;
  const soon = new Date(Date.now() + 6 * 3_600_000).toISOString();
  const files = {
    'kiro-idc.json': {
      type: 'kiro',
      access_token: s('real-kiro-access'),
      refresh_token: s('real-kiro-refresh'),
      auth_method: 'idc',
      client_id: 'kiro-client-id',
      region: 'us-east-1',
      start_url: 'https://example.awsapps.com/start',
      expires_at: soon,
      last_refresh: new Date(Date.now() - 600_000).toISOString(),
      email: 'kiro@example.com',
    },
    'iflow-user.json': {
      type: 'iflow',
      access_token: s('real-iflow-access'),
      api_key: s('real-iflow-apikey'),
      cookie: s('real-iflow-cookie'),
      expired: soon,
      email: 'iflow@example.com',
    },
    'claude-user.json': {
      type: 'claude',
      access_token: s('real-claude-access'),
      refresh_token: s('real-claude-refresh'),
      expired: '2020-01-01T00:00:00Z',
      last_refresh: '2019-12-31T23:00:00Z',
      email: 'claude@example.com',
    },
  };
  const secrets = Object.values(files).flatMap((f) =>
    Object.entries(f)
      .filter(([k]) => ['access_token', 'refresh_token', 'api_key', 'cookie'].includes(k))
      .map(([, v]) => String(v)),
  );
  return { files, secrets };
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolvePort(port));
    });
  });
}

function configYaml(
  port: number,
  authDir: string,
  clientKey: string,
  managementKey: string | undefined,
): string {
  return [
    'host: "127.0.0.1"',
    `port: ${port}`,
    `auth-dir: ${JSON.stringify(authDir)}`,
    `api-keys: [${JSON.stringify(clientKey)}]`,
    'remote-management:',
    '  allow-remote: false',
    ...(managementKey === undefined ? [] : [`  secret-key: ${JSON.stringify(managementKey)}`]),
    '  disable-control-panel: true',
    'logging-to-file: false',
    'usage-statistics-enabled: false',
    '',
  ].join('\n');
}

export async function startRealServer(options: RealServerOptions = {}): Promise<RealServer> {
  const build = REAL_BUILDS[options.build ?? 'upstream'];
  const binary = options.binary ?? build.binary;
  if (!existsSync(binary)) {
    throw new Error(
      `The real ${build.name} CLIProxyAPI server is not built (${binary} is missing): run \`${build.install}\` first.`,
    );
  }
  const managementKey =
    options.managementKey === null ? undefined : (options.managementKey ?? 'contract-management-key');
  const clientKey = options.clientKey ?? 'contract-client-key';
  const dir = await mkdtemp(join(tmpdir(), 'cliproxyapi-'));
  const authDir = join(dir, 'auths');
  const configPath = join(dir, 'config.yaml');
  await mkdir(authDir);
  for (const [name, content] of Object.entries(options.authFiles ?? seedTokenFiles().files)) {
    await writeFile(join(authDir, name), JSON.stringify(content, null, 2));
  }
  const port = await freePort();
  await writeFile(configPath, configYaml(port, authDir, clientKey, managementKey));
  let output = '';
  const child: ChildProcess = spawn(binary, ['-config', configPath, '-local-model'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (exited === undefined) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  for (;;) {
    if (exited !== undefined) {
      await close();
      throw new Error(`cliproxyapi-server exited (code ${exited}) before answering:\n${output.slice(-2000)}`);
    }
    try {
      const res = await fetch(`${url}${build.readyPath}`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(`cliproxyapi-server did not answer on ${url} in time:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    build,
    url,
    port,
    managementKey,
    clientKey,
    authDir,
    configPath,
    logs: () => output,
    requestLog: (path) =>
      output.split('\n').filter((line) => line.includes(`"${path}"`) || line.includes(`"${path}?`)),
    close,
  };
}

/**
 * One real server for a describe block. A start failure (e.g. the binary is missing) is kept and thrown
 * by every test that asks for the server: vitest reports a failing beforeAll's tests as *skipped*, and a
 * contract suite must fail loudly instead.
 *
 *   const server = useRealServer({ build: 'plus' });
 *   it('...', async () => { const s = server(); ... });
 */
export function useRealServer(options: RealServerOptions = {}): () => RealServer {
  let server: RealServer | undefined;
  let failure: unknown;
  beforeAll(async () => {
    try {
      server = await startRealServer(options);
    } catch (err) {
      failure = err;
    }
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (server) return server;
    throw failure instanceof Error ? failure : new Error('the real server did not start');
  };
}

/**
 * beforeAll whose failure (e.g. a missing server binary) fails every test of the block with its reason,
 * instead of the "skipped" tests vitest reports after a failing beforeAll.
 */
export function beforeAllLoudly(setup: () => Promise<void>, timeoutMs?: number): void {
  let failure: unknown;
  beforeAll(async () => {
    try {
      await setup();
    } catch (err) {
      failure = err;
    }
  }, timeoutMs);
  beforeEach(() => {
    if (failure !== undefined) throw failure;
  });
}
