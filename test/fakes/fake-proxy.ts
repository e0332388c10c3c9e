// A fake CLIProxyAPI for tests: a node:http server on 127.0.0.1:0 that answers like the real management
// API (see /work/shared/design/cliproxyapi-management-api.md) plus fault injection.
//
//   const proxy = await startFakeProxy({ files: [kiroFile()], version: 'v6.9.3-0' });
//   const client = createManagementClient({ baseUrl: proxy.url, managementKey: proxy.state.managementKey });
//   await proxy.setFault({ kind: 'hang' });        // or 'down', 'drop', 'status', 'non-json', 'wrong-shape', 'banned', ...
//   expect(proxy.calls.filter((c) => c.path === '/v0/management/config')).toHaveLength(1);
//   await proxy.close();
//
// Faithful parts: bearer / X-Management-Key check with the server's 401 bodies and the 5-failures IP ban,
// X-CPA-VERSION on management answers, 404 with an empty body everywhere when no key is configured,
// empty-body 404 for unknown routes (before any auth check, as gin does), JSON handler errors, auth-files
// list / download / status, config (JSON) and config.yaml GET / PUT (dropping remote-management.secret-key
// switches the API off), login routes, the seed refresh route and the Plus-era legacy Kiro route (both
// switchable), and /v1/chat/completions with client-key checks and a scripted answer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseYaml } from 'yaml';

export interface FakeAuthFile {
  name: string; // "kiro-a.json"
  provider: string; // the proxy's provider string: kiro, iflow, claude, gemini-cli, ...
  status?: string; // active (default), disabled, error, pending, refreshing, unknown
  statusMessage?: string;
  disabled?: boolean;
  unavailable?: boolean;
  runtimeOnly?: boolean; // listed, but no file to download (404)
  lastRefresh?: string;
  /** When the cooldown ends (RFC 3339), listed as next_retry_after; absent: not listed. */
  nextRetryAfter?: string;
  /** When the proxy last changed the credential's state (listed as updated_at). */
  updatedAt?: string;
  /** Models a reset-quota clears (answered as `models`). */
  models?: string[];
  /** What POST /reset-quota does to this credential: clear the cooldown (default), or answer ok and keep it. */
  resetQuota?: 'clears' | 'ignored';
  email?: string;
  /** The raw token file as /auth-files/download returns it (holds the "secret" tokens). */
  content: Record<string, unknown>;
  /** When set, served verbatim instead of `content` (e.g. a truncated, non-JSON token file). */
  raw?: string;
}

export interface FakeCanaryAnswer {
  status: number;
  body: unknown;
  delayMs?: number;
}

export interface FakeProxyState {
  /** Plaintext management key; undefined = management API switched off (404 everywhere). */
  managementKey: string | undefined;
  /** The config's api-keys for /v1; empty = /v1 needs no key. */
  clientKeys: string[];
  /** X-CPA-VERSION value ("dev" for go-install builds). */
  version: string;
  /** Auth files by name; the list is served sorted by name. */
  files: Map<string, FakeAuthFile>;
  /** Raw config.yaml served by GET /config.yaml and replaced by PUT. */
  configYaml: string;
  /** false: PUT /config.yaml answers `"persisted": false` (read-only file). */
  configWritable: boolean;
  /** Which optional routes this "build" has. */
  routes: { seedRefresh: boolean; legacyKiroRefresh: boolean; plusLogins: boolean; resetQuota: boolean };
  /** Answer of /v1/chat/completions once the client key passed. */
  canary: FakeCanaryAnswer;
  /** Scripted answers of GET /get-auth-status per login state (consumed in order; the last one repeats). */
  logins: Map<string, Array<Record<string, unknown>>>;
  /** What a new login's status script is: default wait, then ok. */
  loginScript: Array<Record<string, unknown>>;
  /** Failed management auth attempts since the last ban / success, and the ban's end (ms epoch). */
  failedAuth: number;
  bannedUntil: number | undefined;
  /** allow-remote: false plus a non-local caller: answer 403 remote management disabled. */
  remoteDisabled: boolean;
}

export interface FakeCall {
  method: string;
  path: string; // without the query
  query: Record<string, string>;
  /** How the management key was sent: bearer, header (X-Management-Key) or none. Never the key itself. */
  auth: 'bearer' | 'header' | 'none';
  status: number;
  body: string; // request body (config YAML, PATCH JSON); the fake holds no real secrets
  at: number;
}

/** Which calls a fault applies to; default: every /v0/management route. */
export type FaultScope = 'management' | 'all' | RegExp;

export type FakeFault =
  | { kind: 'none' }
  /** Port closed: connections are refused until the fault is cleared (the fake re-listens on the same port). */
  | { kind: 'down' }
  /** Accepts the request and never answers. */
  | { kind: 'hang'; scope?: FaultScope }
  /** Answers `status` (default 500) for the next `times` calls in scope, then behaves normally; `body` is
   * the answer (a string is sent as text/plain, anything else as JSON; default `{"error":"internal error"}`). */
  | { kind: 'status'; status?: number; times: number; scope?: FaultScope; body?: unknown }
  /** Destroys the socket without an answer for the next `times` calls (default: always). */
  | { kind: 'drop'; times?: number; scope?: FaultScope }
  /** 200 with a body that is not JSON. */
  | { kind: 'non-json'; scope?: FaultScope }
  /** 200 with JSON of the wrong shape. */
  | { kind: 'wrong-shape'; scope?: FaultScope }
  /** 403 IP banned, as after 5 failed attempts. */
  | { kind: 'banned'; scope?: FaultScope }
  /** Answers normally, each call in scope after `ms` (a slow proxy). */
  | { kind: 'delay'; ms: number; scope?: FaultScope };

export interface FakeProxyOptions {
  managementKey?: string | null; // null: management switched off; default "test-management-key"
  clientKeys?: string[];
  version?: string;
  files?: FakeAuthFile[];
  configYaml?: string;
  routes?: Partial<FakeProxyState['routes']>;
  canary?: FakeCanaryAnswer;
  now?: () => number;
}

export interface FakeProxy {
  url: string;
  port: number;
  state: FakeProxyState;
  calls: FakeCall[];
  /** Calls whose path (without query) equals or matches `path`. */
  callsTo(path: string | RegExp, method?: string): FakeCall[];
  setFault(fault: FakeFault): Promise<void>;
  /** Adds or replaces an auth file. */
  putFile(file: FakeAuthFile): void;
  close(): Promise<void>;
}

export const DEFAULT_MANAGEMENT_KEY = 'test-management-key';
export const DEFAULT_CLIENT_KEY = 'test-client-key';
const HASHED_KEY = '$2a$10$fakefakefakefakefakefuO7Ifx9y0bEw8CkF6rI0n7n3X1wD7JmS';
const MGMT = '/v0/management';
const PLUS_LOGIN_PROVIDERS = ['gemini-cli', 'qwen', 'kilo', 'iflow', 'kiro', 'github', 'gitlab', 'cursor'];
const UPSTREAM_LOGIN_PROVIDERS = ['anthropic', 'codex', 'antigravity', 'kimi', 'xai'];

export function defaultConfigYaml(port: number, clientKeys: string[], hasKey: boolean): string {
  return [
    'host: "127.0.0.1"',
    `port: ${port}`,
    'auth-dir: "./auths"',
    `api-keys: [${clientKeys.map((k) => JSON.stringify(k)).join(', ')}]`,
    'remote-management:',
    '  allow-remote: false',
    ...(hasKey ? [`  secret-key: "${HASHED_KEY}"`] : []),
    '  disable-control-panel: true',
    'logging-to-file: false',
    'claude-api-key:',
    '  - api-key: "sk-ant-fake-0001"',
    '',
  ].join('\n');
}

export async function startFakeProxy(options: FakeProxyOptions = {}): Promise<FakeProxy> {
  const now = options.now ?? Date.now;
  const clientKeys = options.clientKeys ?? [DEFAULT_CLIENT_KEY];
  const state: FakeProxyState = {
    managementKey:
      options.managementKey === null ? undefined : (options.managementKey ?? DEFAULT_MANAGEMENT_KEY),
    clientKeys,
    version: options.version ?? 'v7.2.140',
    files: new Map((options.files ?? []).map((f) => [f.name, f])),
    configYaml: options.configYaml ?? '',
    configWritable: true,
    routes: {
      seedRefresh: false,
      legacyKiroRefresh: false,
      plusLogins: false,
      resetQuota: true,
      ...options.routes,
    },
    canary: options.canary ?? {
      status: 200,
      body: { id: 'chatcmpl-fake', object: 'chat.completion', choices: [{ message: { content: 'pong' } }] },
    },
    logins: new Map(),
    loginScript: [{ status: 'wait' }, { status: 'ok' }],
    failedAuth: 0,
    bannedUntil: undefined,
    remoteDisabled: false,
  };
  const calls: FakeCall[] = [];
  let fault: FakeFault = { kind: 'none' };
  let faultCount = 0;
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  if (!options.configYaml)
    state.configYaml = defaultConfigYaml(port, clientKeys, state.managementKey !== undefined);

  function inScope(path: string, scope: FaultScope | undefined): boolean {
    if (scope === undefined || scope === 'management') return path.startsWith(MGMT);
    if (scope === 'all') return true;
    return scope.test(path);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    const call: FakeCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      auth: authKind(req),
      status: 0,
      body,
      at: now(),
    };
    calls.push(call);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      const text =
        payload === undefined ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload);
      const type =
        payload === undefined
          ? {}
          : { 'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json' };
      res.writeHead(status, { ...type, ...headers, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };

    // faults first, as a broken network or server would behave
    if (fault.kind !== 'none' && fault.kind !== 'down' && inScope(url.pathname, fault.scope)) {
      switch (fault.kind) {
        case 'hang':
          call.status = -1;
          return; // never answer
        case 'delay':
          await new Promise((r) => setTimeout(r, fault.kind === 'delay' ? fault.ms : 0));
          break;
        case 'drop':
          if (fault.times === undefined || faultCount < fault.times) {
            faultCount++;
            call.status = -1;
            req.socket.destroy();
            return;
          }
          break;
        case 'status':
          if (faultCount < fault.times) {
            faultCount++;
            return send(fault.status ?? 500, fault.body ?? { error: 'internal error' }, versionHeader());
          }
          break;
        case 'non-json':
          return send(200, '<html>proxy error</html>', versionHeader());
        case 'wrong-shape':
          return send(200, { unexpected: [1, 2, 3], files: 'not-a-list' }, versionHeader());
        case 'banned':
          return send(
            403,
            { error: 'IP banned due to too many failed attempts. Try again in 29m59s' },
            versionHeader(),
          );
      }
    }

    if (url.pathname === '/healthz') return send(200, { status: 'ok' });
    if (url.pathname === '/v1/chat/completions' && req.method === 'POST') return canary(req, send);
    // the Plus-era Kiro web routes: /status answers a handler's JSON 404 for a state it never issued
    if (url.pathname === '/v0/oauth/kiro/status' && req.method === 'GET') {
      if (!state.routes.legacyKiroRefresh) return send(404, undefined);
      return send(404, { error: 'session not found' });
    }
    if (url.pathname === '/v0/oauth/kiro/refresh' && req.method === 'POST') {
      if (!state.routes.legacyKiroRefresh) return send(404, undefined);
      const kiro = [...state.files.values()].filter((f) => f.provider === 'kiro');
      if (kiro.length === 0)
        return send(400, { success: false, error: 'All refresh attempts failed: [no kiro tokens]' });
      for (const f of kiro) refreshFile(f);
      return send(200, {
        success: true,
        message: `Refreshed ${kiro.length} token(s)`,
        refreshedCount: kiro.length,
      });
    }
    if (!url.pathname.startsWith(`${MGMT}/`)) return send(404, '404 page not found');

    const route = url.pathname.slice(MGMT.length);
    // gin: a registered route asked with a trailing slash is redirected before any middleware runs
    if (
      state.managementKey !== undefined &&
      route.endsWith('/') &&
      matchRoute(req.method ?? 'GET', route.slice(0, -1))
    ) {
      return send(301, undefined, { location: `${MGMT}${route.slice(0, -1)}` });
    }
    const handler = matchRoute(req.method ?? 'GET', route);
    // no key configured: every management route is 404 with an empty body (no version header either)
    if (state.managementKey === undefined) return send(404, undefined);
    // unknown route: gin answers 404 before any middleware runs
    if (!handler) return send(404, undefined, versionHeader());
    const denied = checkManagementAuth(req);
    if (denied) return send(denied.status, denied.body, versionHeader());
    return handler(url, body, (status, payload, headers) =>
      send(status, payload, { ...versionHeader(), ...headers }),
    );
  }

  function versionHeader(): Record<string, string> {
    return { 'x-cpa-version': state.version, 'x-cpa-commit': 'fake', 'x-cpa-build-date': 'unknown' };
  }

  function checkManagementAuth(req: IncomingMessage): { status: number; body: unknown } | undefined {
    if (state.remoteDisabled) return { status: 403, body: { error: 'remote management disabled' } };
    if (state.bannedUntil !== undefined && now() < state.bannedUntil) {
      const left = Math.ceil((state.bannedUntil - now()) / 1000);
      return {
        status: 403,
        body: {
          error: `IP banned due to too many failed attempts. Try again in ${Math.floor(left / 60)}m${left % 60}s`,
        },
      };
    }
    const key = presentedKey(req);
    if (key !== undefined && key === state.managementKey) {
      state.failedAuth = 0;
      return undefined;
    }
    state.failedAuth++;
    if (state.failedAuth >= 5) {
      state.bannedUntil = now() + 30 * 60_000;
      state.failedAuth = 0;
    }
    return {
      status: 401,
      body: { error: key === undefined ? 'missing management key' : 'invalid management key' },
    };
  }

  type Send = (status: number, payload: unknown, headers?: Record<string, string>) => void;
  type Handler = (url: URL, body: string, send: Send) => void;

  function matchRoute(method: string, route: string): Handler | undefined {
    const login = /^\/([a-z0-9-]+)-auth-url$/.exec(route);
    if (method === 'GET' && login) {
      const provider = login[1] as string;
      const known =
        UPSTREAM_LOGIN_PROVIDERS.includes(provider) ||
        (state.routes.plusLogins && PLUS_LOGIN_PROVIDERS.includes(provider));
      return known ? (url, _b, send) => startLogin(provider, url, send) : undefined;
    }
    const seed = /^\/auths\/([^/]+)\/refresh$/.exec(route);
    if (method === 'POST' && seed) {
      return state.routes.seedRefresh ? (_u, _b, send) => seedRefresh(seed[1] as string, send) : undefined;
    }
    if (method === 'POST' && route === '/reset-quota') {
      return state.routes.resetQuota ? (_u, body, send) => resetQuota(body, send) : undefined;
    }
    const table: Record<string, Handler> = {
      'GET /config': (_u, _b, send) => send(200, configJson()),
      'GET /config.yaml': (_u, _b, send) =>
        send(200, state.configYaml, { 'content-type': 'application/yaml; charset=utf-8' }),
      'PUT /config.yaml': (_u, body, send) => putConfig(body, send),
      'GET /auth-files': (_u, _b, send) => send(200, { files: listFiles() }),
      'GET /auth-files/download': (url, _b, send) => download(url.searchParams.get('name') ?? '', send),
      'PATCH /auth-files/status': (_u, body, send) => patchStatus(body, send),
      'GET /get-auth-status': (url, _b, send) => authStatus(url.searchParams.get('state') ?? '', send),
    };
    return table[`${method} ${route}`];
  }

  function configJson(): Record<string, unknown> {
    const parsed = (safeYaml(state.configYaml) ?? {}) as Record<string, unknown>;
    const { host: _h, port: _p, 'remote-management': _r, 'auth-dir': _a, ...rest } = parsed;
    return rest;
  }

  function putConfig(body: string, send: Send) {
    let parsed: unknown;
    try {
      parsed = parseYaml(body);
    } catch (err) {
      return send(400, { error: 'invalid_yaml', message: `yaml: ${(err as Error).message.split('\n')[0]}` });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return send(422, { error: 'invalid_config', message: 'config must be a mapping' });
    }
    if (!state.configWritable) return send(200, { ok: true, changed: ['config'], persisted: false });
    state.configYaml = body;
    const rm = (parsed as Record<string, unknown>)['remote-management'] as
      | Record<string, unknown>
      | undefined;
    const secret = rm?.['secret-key'];
    if (typeof secret !== 'string' || secret === '') state.managementKey = undefined; // API switched off
    const keys = (parsed as Record<string, unknown>)['api-keys'];
    if (Array.isArray(keys)) state.clientKeys = keys.map(String);
    return send(200, { ok: true, changed: ['config'] });
  }

  // when each file was last written (put), as the real server reports `modtime`
  const modtimes = new Map<string, number>([...state.files.keys()].map((name) => [name, Date.now()]));

  // a token file's size, computed once per content object (files are replaced, not edited, by the fake):
  // listing 5,000 credentials must not stringify 5,000 token files on every call
  const sizes = new WeakMap<Record<string, unknown>, number>();
  function sizeOf(content: Record<string, unknown>): number {
    let size = sizes.get(content);
    if (size === undefined) {
      size = JSON.stringify(content).length;
      sizes.set(content, size);
    }
    return size;
  }

  function listFiles(): Record<string, unknown>[] {
    return [...state.files.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((f, i) => ({
        id: f.name,
        auth_index: `idx${i.toString(16).padStart(6, '0')}`,
        name: f.name,
        type: f.provider,
        provider: f.provider,
        label: f.email ?? f.name,
        email: f.email,
        status: f.disabled ? 'disabled' : (f.status ?? 'active'),
        status_message: f.statusMessage ?? '',
        disabled: f.disabled ?? false,
        unavailable: f.unavailable ?? false,
        runtime_only: f.runtimeOnly ?? false,
        source: f.runtimeOnly ? 'memory' : 'file',
        size: sizeOf(f.content),
        modtime: new Date(modtimes.get(f.name) ?? 0).toISOString(),
        ...(f.lastRefresh ? { last_refresh: f.lastRefresh } : {}),
        ...(f.nextRetryAfter ? { next_retry_after: f.nextRetryAfter } : {}),
        ...(f.updatedAt ? { updated_at: f.updatedAt } : {}),
      }));
  }

  /** The auth_index the list gives a file (its position in the sorted list, as a hex string). */
  function indexOf(name: string): string | undefined {
    const i = [...state.files.keys()].sort((a, b) => a.localeCompare(b)).indexOf(name);
    return i < 0 ? undefined : `idx${i.toString(16).padStart(6, '0')}`;
  }

  // POST /reset-quota as upstream v7.2.140 answers it (internal/api/handlers/management/quota.go)
  function resetQuota(body: string, send: Send) {
    let parsed: { auth_index?: unknown };
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(400, { error: 'invalid request body' });
    }
    const index = typeof parsed.auth_index === 'string' ? parsed.auth_index.trim() : '';
    if (index === '') return send(400, { error: 'auth_index is required' });
    const f = [...state.files.values()].find((x) => indexOf(x.name) === index);
    if (!f) return send(404, { error: 'auth not found' });
    if (f.resetQuota !== 'ignored') {
      f.unavailable = false;
      delete f.nextRetryAfter;
      if (!f.disabled) {
        f.status = 'active';
        f.statusMessage = '';
      }
      f.updatedAt = new Date(now()).toISOString();
    }
    return send(200, { status: 'ok', auth_index: index, models: f.models ?? [] });
  }

  function download(name: string, send: Send) {
    if (!name || name.includes('/') || name.includes('\\') || name.includes('..')) {
      return send(400, { error: 'invalid name' });
    }
    if (!name.endsWith('.json')) return send(400, { error: 'name must end with .json' });
    const f = state.files.get(name);
    if (!f || f.runtimeOnly) return send(404, { error: 'file not found' });
    return send(200, f.raw !== undefined ? f.raw : f.content, {
      'content-disposition': `attachment; filename="${name}"`,
    });
  }

  function patchStatus(body: string, send: Send) {
    let parsed: { name?: unknown; disabled?: unknown };
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(400, { error: 'invalid body' });
    }
    if (typeof parsed.name !== 'string' || typeof parsed.disabled !== 'boolean') {
      return send(400, { error: 'invalid body' });
    }
    const f = state.files.get(parsed.name);
    if (!f) return send(404, { error: 'auth file not found' });
    f.disabled = parsed.disabled;
    f.status = parsed.disabled ? 'disabled' : 'active';
    f.statusMessage = parsed.disabled ? 'disabled via management API' : '';
    f.unavailable = false;
    return send(200, { status: 'ok', disabled: parsed.disabled });
  }

  function startLogin(provider: string, url: URL, send: Send) {
    if (
      provider === 'kiro' &&
      !['aws', 'builder-id', 'google', 'github', null].includes(url.searchParams.get('method'))
    ) {
      return send(400, { error: "invalid method, use 'aws', 'google', or 'github'" });
    }
    const stateId = `state-${provider}-${calls.length}`;
    state.logins.set(stateId, [...state.loginScript]);
    return send(200, {
      status: 'ok',
      url: `https://login.example.com/${provider}?state=${stateId}`,
      state: stateId,
    });
  }

  function authStatus(stateId: string, send: Send) {
    const script = state.logins.get(stateId);
    if (!script) return send(200, { status: 'error', error: 'unknown or expired state' });
    const next = script.length > 1 ? script.shift() : script[0];
    return send(200, next ?? { status: 'ok' });
  }

  function seedRefresh(provider: string, send: Send) {
    const files = [...state.files.values()].filter((f) => f.provider === provider);
    if (files.length === 0) return send(404, { error: 'no credentials for provider' });
    for (const f of files) refreshFile(f);
    return send(200, { status: 'ok', refreshed: files.length });
  }

  function refreshFile(f: FakeAuthFile): void {
    const at = new Date(now()).toISOString();
    const expiry = new Date(now() + 3_600_000).toISOString();
    const key = ['expires_at', 'expired', 'expiry'].find((k) => k in f.content) ?? 'expires_at';
    f.content = { ...f.content, [key]: expiry, last_refresh: at };
    modtimes.set(f.name, Math.max(Date.now(), (modtimes.get(f.name) ?? 0) + 1));
    f.lastRefresh = at;
    f.status = 'active';
    f.statusMessage = '';
    f.unavailable = false;
  }

  function canary(req: IncomingMessage, send: Send) {
    if (state.clientKeys.length > 0) {
      const auth = req.headers.authorization;
      const key = auth?.replace(/^Bearer\s+/i, '') ?? (req.headers['x-api-key'] as string | undefined);
      if (!key) return send(401, { error: 'Missing API key' });
      if (!state.clientKeys.includes(key)) return send(401, { error: 'Invalid API key' });
    }
    const answer = state.canary;
    const reply = () => send(answer.status, answer.body);
    if (answer.delayMs) setTimeout(reply, answer.delayMs);
    else reply();
  }

  async function setFault(next: FakeFault): Promise<void> {
    const wasDown = fault.kind === 'down';
    fault = next;
    faultCount = 0;
    if (next.kind === 'down' && !wasDown) {
      await closeServer(server, sockets);
    } else if (next.kind !== 'down' && wasDown) {
      await listen(server, port);
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    calls,
    callsTo: (path, method) =>
      calls.filter(
        (c) =>
          (typeof path === 'string' ? c.path === path : path.test(c.path)) &&
          (!method || c.method === method),
      ),
    setFault,
    putFile: (file) => {
      state.files.set(file.name, file);
      modtimes.set(file.name, Math.max(Date.now(), (modtimes.get(file.name) ?? 0) + 1));
    },
    close: async () => {
      if (fault.kind !== 'down') await closeServer(server, sockets);
    },
  };
}

function presentedKey(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim() || undefined;
  const header = req.headers['x-management-key'];
  return typeof header === 'string' && header !== '' ? header : undefined;
}

function authKind(req: IncomingMessage): FakeCall['auth'] {
  if (req.headers.authorization) return 'bearer';
  if (req.headers['x-management-key']) return 'header';
  return 'none';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function safeYaml(text: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    return undefined;
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    sockets.clear();
    server.close(() => resolve());
  });
}

// --- token file builders for tests (each call gets unique token strings a test can grep for) ---

let seq = 0;
const unique = (prefix: string) =>
  `${prefix}-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 10)}`;

export interface SeededFile {
  file: FakeAuthFile;
  /** Every secret value placed in the file; no output may contain any of them. */
  secrets: string[];
}

export function kiroIdcFile(
  opts: { name?: string; expiresAt?: string; clientSecret?: boolean } = {},
): SeededFile {
  const access = unique('kiro-access');
  const refresh = unique('kiro-refresh');
  const secret = unique('kiro-client-secret');
  const content: Record<string, unknown> = {
    type: 'kiro',
    access_token: access,
    refresh_token: refresh,
    auth_method: 'idc',
    client_id: 'kiro-client-id-1',
    region: 'us-east-1',
    start_url: 'https://example.awsapps.com/start',
    expires_at: opts.expiresAt ?? new Date(Date.now() + 3_600_000).toISOString(),
    last_refresh: new Date(Date.now() - 600_000).toISOString(),
    email: 'kiro-user@example.com',
  };
  if (opts.clientSecret !== false) content.client_secret = secret;
  return {
    file: { name: opts.name ?? 'kiro-idc.json', provider: 'kiro', email: 'kiro-user@example.com', content },
    secrets: opts.clientSecret !== false ? [access, refresh, secret] : [access, refresh],
  };
}

export function iflowFile(
  opts: { name?: string; expired?: string | number; refreshToken?: boolean } = {},
): SeededFile {
  const access = unique('iflow-access');
  const refresh = unique('iflow-refresh');
  const apiKey = unique('iflow-api-key');
  const cookie = unique('iflow-cookie');
  const content: Record<string, unknown> = {
    type: 'iflow',
    access_token: access,
    api_key: apiKey,
    cookie,
    expired: opts.expired ?? new Date(Date.now() + 3_600_000).toISOString(),
    email: 'iflow-user@example.com',
  };
  if (opts.refreshToken !== false) content.refresh_token = refresh;
  return {
    file: {
      name: opts.name ?? 'iflow-user.json',
      provider: 'iflow',
      email: 'iflow-user@example.com',
      content,
    },
    secrets: [access, apiKey, cookie, ...(opts.refreshToken !== false ? [refresh] : [])],
  };
}

export function claudeFile(
  opts: { name?: string; expired?: string | number; status?: string; statusMessage?: string } = {},
): SeededFile {
  const access = unique('claude-access');
  const refresh = unique('claude-refresh');
  const idToken = unique('claude-id');
  return {
    file: {
      name: opts.name ?? 'claude-user.json',
      provider: 'claude',
      email: 'claude-user@example.com',
      ...(opts.status ? { status: opts.status } : {}),
      ...(opts.statusMessage ? { statusMessage: opts.statusMessage } : {}),
      content: {
        type: 'claude',
        access_token: access,
        refresh_token: refresh,
        id_token: idToken,
        expired: opts.expired ?? new Date(Date.now() + 3_600_000).toISOString(),
        last_refresh: new Date(Date.now() - 3_600_000).toISOString(),
        email: 'claude-user@example.com',
      },
    },
    secrets: [access, refresh, idToken],
  };
}

export function geminiFile(opts: { name?: string; expiry?: string } = {}): SeededFile {
  const access = unique('gemini-access');
  const refresh = unique('gemini-refresh');
  return {
    file: {
      name: opts.name ?? 'gemini-user.json',
      provider: 'gemini-cli',
      content: {
        type: 'gemini',
        token: {
          access_token: access,
          refresh_token: refresh,
          expiry: opts.expiry ?? new Date(Date.now() + 3_600_000).toISOString(),
        },
        project_id: 'proj-1',
      },
    },
    secrets: [access, refresh],
  };
}
