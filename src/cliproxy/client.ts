// The CLIProxyAPI management client (contract: ./types.ts). One undici Pool per proxy origin, a
// deadline per call, bounded retries for GETs, zod on every body, and a latch: after one 401 the
// client stops calling the management API until the key changes, so it can never earn the IP ban.
import type { Logger } from 'pino';
import { type Dispatcher, Pool } from 'undici';
import type { z } from 'zod';
import { createLimiter } from '../domain/limiter.js';
import { Redactor } from '../domain/redact.js';
import { AppError } from '../errors.js';
import { classifyCanary } from './canary.js';
import { classifyFailure, parseHandlerError, serverWords } from './classify.js';
import {
  badResponseError,
  latchedError,
  managementDisabledError,
  missingKeyError,
  routeMissingError,
} from './errors.js';
import { validateAuthFileName, validateLoginMethod, validateLoginState, validateProvider } from './names.js';
import { kiroWebGet, type ProbeAnswer, probeGetRoute, probeKiroWebRoutes } from './probes-kiro.js';
import {
  authFilesResponse,
  jsonObject,
  legacyKiroResponse,
  loginStartResponse,
  loginStatusResponse,
  putConfigResponse,
  setStatusResponse,
} from './schemas.js';
import { summarizeToken } from './token-summary.js';
import { type HttpRequest, type HttpResponse, type RequestInfo, Transport } from './transport.js';
import type {
  AuthFile,
  CanaryResult,
  LoginStart,
  LoginStatus,
  ManagementClient,
  ServerInfo,
  TokenSummary,
} from './types.js';

export const MANAGEMENT_PREFIX = '/v0/management';
/** Concurrent management calls once the key is verified (the proxy bans a host after 5 failed attempts). */
export const MAX_IN_FLIGHT = 3;

export interface ManagementClientOptions {
  /** The proxy's base URL, e.g. http://127.0.0.1:8317 (CLIPROXY_URL). */
  baseUrl: string;
  /** Plaintext management key (CLIPROXY_MANAGEMENT_KEY); undefined: every management call fails without a network call. */
  managementKey: string | undefined;
  /** Injected dispatcher (tests, proxies). Default: one undici Pool for the proxy's origin, closed by close(). */
  dispatcher?: Dispatcher;
  /** Overall deadline per call, retries included. Default 5000 ms. */
  timeoutMs?: number;
  /** TCP connect timeout of the default Pool. Default min(timeoutMs, 3000). */
  connectTimeoutMs?: number;
  /** Deadline of the canary chat completion. Default 8000 ms. */
  canaryTimeoutMs?: number;
  /** Extra attempts for idempotent GETs on network errors and 5xx. Default 2. */
  retries?: number;
  retryDelayMs?: number;
  logger?: Logger;
  now?: () => number;
  /** Observes every HTTP attempt (method, route, status, duration): the bot feeds its metrics with it. */
  onRequest?: (info: RequestInfo) => void;
}

type Method = HttpRequest['method'];

export class HttpManagementClient implements ManagementClient {
  private readonly transport: Transport;
  private readonly ownedDispatcher: Dispatcher | undefined;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly canaryTimeoutMs: number;
  private readonly now: () => number;
  private key: string | undefined;
  private redactor: Redactor;
  private latched = false;
  /** Until one call succeeded with the current key, management calls run one at a time (one 401, not N). */
  private keyVerified = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly limited = createLimiter(MAX_IN_FLIGHT);
  private version: string | undefined;

  constructor(options: ManagementClientOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    const timeoutMs = options.timeoutMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.canaryTimeoutMs = options.canaryTimeoutMs ?? 8000;
    this.key = options.managementKey;
    this.redactor = new Redactor([options.managementKey]);
    if (!options.dispatcher) {
      this.ownedDispatcher = new Pool(this.origin, {
        connections: 8,
        connect: { timeout: options.connectTimeoutMs ?? Math.min(timeoutMs, 3000) },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    }
    this.transport = new Transport({
      baseUrl: this.origin,
      dispatcher: options.dispatcher ?? (this.ownedDispatcher as Dispatcher),
      timeoutMs,
      retries: options.retries ?? 2,
      retryDelayMs: options.retryDelayMs ?? 150,
      logger: options.logger,
      now: this.now,
      onRequest: options.onRequest,
    });
    this.basePath = url.pathname.replace(/\/+$/, '');
  }

  get serverVersion(): string | undefined {
    return this.version;
  }

  /** True after a 401: management calls fail at once until setManagementKey() or a restart. */
  get isLatched(): boolean {
    return this.latched;
  }

  /** A new key (config reload) clears the latch. */
  setManagementKey(key: string | undefined): void {
    this.key = key;
    this.redactor = new Redactor([key]);
    this.latched = false;
    this.keyVerified = false;
  }

  async probe(): Promise<ServerInfo> {
    const url = this.origin + this.basePath;
    try {
      await this.getJson('/config', jsonObject);
      return { url, reachable: true, version: this.version };
    } catch (err) {
      const e =
        err instanceof AppError ? err : new AppError('internal', 'Unexpected error while probing the proxy.');
      // any HTTP answer (401, 403, 404) proves the server is up; an unset key means we never asked
      const notAsked = e.details?.reason === 'key_not_set';
      const reachable = e.code !== 'unreachable' && e.code !== 'timeout' && !notAsked;
      return {
        url,
        reachable,
        version: this.version,
        error: { code: e.code, message: e.message, runbook: e.runbook, hint: e.hint },
      };
    }
  }

  getConfig(): Promise<Record<string, unknown>> {
    return this.getJson('/config', jsonObject);
  }

  async getConfigYaml(): Promise<string> {
    const res = await this.management('GET', '/config.yaml', { retry: true });
    return res.text;
  }

  async putConfigYaml(yaml: string): Promise<{ changed: string[]; persisted: boolean }> {
    const res = await this.management('PUT', '/config.yaml', {
      body: yaml,
      headers: { 'content-type': 'application/yaml' },
    });
    const body = this.parse('PUT', '/config.yaml', res, putConfigResponse);
    return { changed: body.changed ?? [], persisted: body.persisted ?? true };
  }

  listAuthFiles(): Promise<AuthFile[]> {
    return this.getJson('/auth-files', authFilesResponse);
  }

  async readToken(name: string): Promise<TokenSummary> {
    validateAuthFileName(name);
    const route = '/auth-files/download';
    const res = await this.management('GET', route, { query: { name }, retry: true });
    let raw: unknown;
    try {
      raw = JSON.parse(res.text);
    } catch {
      // never echo the body: it holds live tokens
      throw badResponseError('GET', MANAGEMENT_PREFIX + route, `token file ${name} is not valid JSON`);
    }
    if (!jsonObject.safeParse(raw).success) {
      throw badResponseError('GET', MANAGEMENT_PREFIX + route, `token file ${name} is not a JSON object`);
    }
    return summarizeToken(name, raw);
  }

  async setDisabled(name: string, disabled: boolean): Promise<void> {
    validateAuthFileName(name);
    const res = await this.management('PATCH', '/auth-files/status', {
      body: JSON.stringify({ name, disabled }),
      headers: { 'content-type': 'application/json' },
    });
    this.parse('PATCH', '/auth-files/status', res, setStatusResponse);
  }

  async refreshProvider(provider: string): Promise<{ status: number; body: unknown }> {
    validateProvider(provider);
    const route = `/auths/${provider}/refresh`;
    const res = await this.management('POST', route, {
      body: '{}',
      headers: { 'content-type': 'application/json' },
      missingRouteIs: 'no management refresh route',
    });
    let body: unknown = res.text;
    try {
      body = res.text.trim() ? JSON.parse(res.text) : undefined;
    } catch {
      // a 2xx without JSON: keep the text
    }
    return { status: res.status, body: this.redactor.value(body) };
  }

  async legacyKiroRefresh(): Promise<{ refreshedCount: number; message: string }> {
    const route = '/v0/oauth/kiro/refresh';
    const res = await this.transport.send({
      method: 'POST',
      path: this.basePath + route,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    this.captureVersion(res);
    if (res.status === 404 && !parseHandlerError(res.text)) {
      throw routeMissingError('POST', route, this.version, 'no legacy Kiro refresh route');
    }
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw res.status >= 400
        ? classifyFailure(res, 'POST', route, this.version, this.redactor)
        : badResponseError('POST', route, 'body is not JSON');
    }
    const parsed = legacyKiroResponse.safeParse(json);
    if (!parsed.success) throw badResponseError('POST', route, 'unexpected JSON shape');
    if (!parsed.data.success || res.status >= 400) {
      throw new AppError(
        'server_error',
        `Legacy Kiro refresh failed (${res.status}): ${serverWords(res.text, this.redactor)}`,
        {
          runbook: 'kiro-idc-refresh',
          // the server's per-file reasons, redacted, so the bot can name the row that fits each file
          details: {
            status: res.status,
            legacyError: this.redactor.text(parsed.data.error ?? '').slice(0, 4000),
          },
        },
      );
    }
    return { refreshedCount: parsed.data.refreshedCount ?? 0, message: parsed.data.message ?? '' };
  }

  /** Side-effect-free: are the Plus-era Kiro web routes (the legacy refresh) registered? See probes-kiro.ts. */
  probeLegacyKiroRefresh(): Promise<ProbeAnswer> {
    return probeKiroWebRoutes(kiroWebGet(this.transport), this.basePath);
  }

  /** Side-effect-free: is GET /v0/management/<route> registered (trailing-slash redirect)? See probes-kiro.ts. */
  async probeManagementRoute(route: string): Promise<ProbeAnswer> {
    const key = this.key;
    if (!key || this.latched) return 'unknown';
    const headers = { authorization: `Bearer ${key}` };
    return probeGetRoute(
      async (path) => {
        const res = await this.transport.send({ method: 'GET', path, headers });
        if (res.status === 401 && key === this.key) this.latched = true;
        return res;
      },
      this.basePath,
      validateProvider(route), // only [a-z0-9-] reaches the URL
    );
  }

  async startLogin(provider: string, options: { method?: string } = {}): Promise<LoginStart> {
    validateProvider(provider);
    const query: Record<string, string> = {};
    if (options.method !== undefined) query.method = validateLoginMethod(options.method);
    const route = `/${provider}-auth-url`;
    const body = await this.getJson(route, loginStartResponse, query, `no login route for ${provider}`);
    return { url: body.url, state: body.state, userCode: body.user_code ?? body.userCode };
  }

  async loginStatus(state: string): Promise<LoginStatus> {
    validateLoginState(state);
    const b = await this.getJson('/get-auth-status', loginStatusResponse, { state });
    switch (b.status) {
      case 'wait':
        return { status: 'wait' };
      case 'ok':
        return { status: 'ok' };
      case 'error':
        return { status: 'error', error: this.redactor.text(b.error ?? 'login failed') };
      case 'device_code':
        return {
          status: 'device_code',
          verificationUrl: b.verification_url ?? b.verification_uri ?? '',
          userCode: b.user_code ?? '',
        };
      case 'auth_url':
        return { status: 'auth_url', url: b.url ?? '' };
    }
  }

  async canary(clientKey: string | undefined, model: string | undefined): Promise<CanaryResult> {
    const missing = [clientKey ? '' : 'CLIPROXY_CLIENT_KEY', model ? '' : 'CLIPROXY_CANARY_MODEL'].filter(
      Boolean,
    );
    if (missing.length > 0) {
      return {
        ok: false,
        skipped: `canary skipped: set ${missing.join(' and ')}`,
        status: undefined,
        latencyMs: undefined,
      };
    }
    const redactor = this.redactor.withSecrets([clientKey]);
    const started = this.now();
    try {
      const res = await this.transport.send({
        method: 'POST',
        path: `${this.basePath}/v1/chat/completions`,
        headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], stream: false }),
        timeoutMs: this.canaryTimeoutMs,
      });
      const latencyMs = this.now() - started;
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, latencyMs };
      return classifyCanary(res.status, res.text, latencyMs, redactor);
    } catch (err) {
      const message = err instanceof AppError ? err.message : 'network error';
      return {
        ok: false,
        status: undefined,
        latencyMs: this.now() - started,
        failure: 'unreachable',
        runbook: undefined,
        message,
      };
    }
  }

  /** Closes the pool; calls still waiting on a slow or hung proxy are aborted, so shutdown never hangs on them. */
  async close(): Promise<void> {
    await this.ownedDispatcher?.destroy();
  }

  // --- management plumbing ---

  private async getJson<T>(
    route: string,
    schema: z.ZodType<T>,
    query?: Record<string, string>,
    missingRouteIs?: string,
  ): Promise<T> {
    const res = await this.management('GET', route, {
      retry: true,
      ...(query ? { query } : {}),
      ...(missingRouteIs ? { missingRouteIs } : {}),
    });
    return this.parse('GET', route, res, schema);
  }

  private parse<T>(method: Method, route: string, res: HttpResponse, schema: z.ZodType<T>): T {
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw badResponseError(method, MANAGEMENT_PREFIX + route, 'body is not JSON');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') || '(root)';
      throw badResponseError(method, MANAGEMENT_PREFIX + route, `unexpected JSON shape at ${where}`);
    }
    return parsed.data;
  }

  /** One management call: key checks, the serial gate, version capture, and errors for every non-2xx. */
  private management(
    method: Method,
    route: string,
    opts: {
      query?: Record<string, string>;
      body?: string;
      headers?: Record<string, string>;
      retry?: boolean;
      missingRouteIs?: string;
    } = {},
  ): Promise<HttpResponse> {
    const run = async () => {
      const key = this.key;
      if (!key) throw missingKeyError();
      if (this.latched) throw latchedError();
      const qs = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : '';
      const res = await this.transport.send({
        method,
        path: `${this.basePath}${MANAGEMENT_PREFIX}${route}${qs}`,
        headers: { ...opts.headers, authorization: `Bearer ${key}` },
        ...(opts.body !== undefined ? { body: opts.body } : {}),
        ...(opts.retry ? { retry: true } : {}),
      });
      this.captureVersion(res);
      if (res.status >= 200 && res.status < 300) {
        if (key === this.key) this.keyVerified = true;
        return res;
      }
      if (res.status === 401 && key === this.key) this.latched = true;
      if (res.status === 404 && !parseHandlerError(res.text)) {
        throw await this.explainBare404(method, route, opts.missingRouteIs);
      }
      throw classifyFailure(res, method, MANAGEMENT_PREFIX + route, this.version, this.redactor);
    };
    if (!this.keyVerified) {
      const next = this.queue.then(run, run);
      this.queue = next.catch(() => undefined);
      return next;
    }
    // even with a verified key, at most MAX_IN_FLIGHT calls at once: if the key is rotated on the proxy,
    // only the calls already in flight can fail before the 401 latch stops the rest
    return this.limited(run);
  }

  /** A 404 without a handler body: the route is missing, or the whole API is off. /config tells which. */
  private async explainBare404(method: Method, route: string, missingRouteIs?: string): Promise<AppError> {
    const url = this.origin + this.basePath;
    if (route === '/config') return managementDisabledError(url);
    const res = await this.transport.send({
      method: 'GET',
      path: `${this.basePath}${MANAGEMENT_PREFIX}/config`,
      headers: { authorization: `Bearer ${this.key}` },
    });
    this.captureVersion(res);
    if (res.status === 401 && this.key) this.latched = true;
    if (res.status === 404 && !parseHandlerError(res.text)) return managementDisabledError(url);
    if (res.status >= 200 && res.status < 300) {
      return routeMissingError(method, MANAGEMENT_PREFIX + route, this.version, missingRouteIs);
    }
    return classifyFailure(res, 'GET', `${MANAGEMENT_PREFIX}/config`, this.version, this.redactor);
  }

  private captureVersion(res: HttpResponse): void {
    const v = res.headers['x-cpa-version'];
    const version = Array.isArray(v) ? v[0] : v;
    if (version) this.version = version.slice(0, 80);
  }
}

export function createManagementClient(options: ManagementClientOptions): HttpManagementClient {
  return new HttpManagementClient(options);
}
