// The management-call plumbing shared by every client method: the undici transport, the key and its
// 401 latch, the serial gate for an unverified key, the in-flight limit, version capture, and the
// decoding of bodies with zod. After one 401 the client stops calling the management API until the key
// changes, so it can never earn the proxy's IP ban.
import type { Logger } from 'pino';
import { type Dispatcher, Pool } from 'undici';
import type { z } from 'zod';
import { Redactor } from '../domain/redact.js';
import type { AppError } from '../errors.js';
import { classifyFailure, parseHandlerError } from './classify.js';
import {
  badResponseError,
  latchedElsewhereError,
  latchedError,
  managementDisabledError,
  missingKeyError,
  routeMissingError,
} from './errors.js';
import { KeyRejections, type RejectedKeyStore } from './key-rejections.js';
import { CallLanes } from './lanes.js';
import { type HttpRequest, type HttpResponse, type RequestInfo, Transport } from './transport.js';

export const MANAGEMENT_PREFIX = '/v0/management';
/** Concurrent management calls once the key is verified (the proxy bans a host after 5 failed attempts). */
export const MAX_IN_FLIGHT = 2;
/** How long a key counts as verified after a success; past it, the next call runs alone again. */
export const VERIFIED_FOR_MS = 10_000;

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
  /** Where rejected keys are shared between replicas (the store); unset: the latch is per process only. */
  rejectedKeys?: RejectedKeyStore;
}

export type Method = HttpRequest['method'];

export interface ManagementCallOptions {
  query?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
  retry?: boolean;
  missingRouteIs?: string;
  /** The most bytes of the answer the call reads (default: the transport's JSON_BODY_LIMIT). */
  maxBytes?: number;
  /** A background call (the /readyz probe): waits until no call for a person is waiting for a slot. */
  background?: boolean;
  /** Takes a 2xx body piece by piece as it arrives (see HttpRequest.onText). */
  onText?: (piece: string) => void;
}

export class ManagementCore {
  readonly transport: Transport;
  readonly origin: string;
  readonly basePath: string;
  readonly canaryTimeoutMs: number;
  readonly now: () => number;
  protected readonly ownedDispatcher: Dispatcher | undefined;
  protected key: string | undefined;
  redactor: Redactor;
  protected latched = false;
  /**
   * When a call last succeeded with the current key. Unless that was within VERIFIED_FOR_MS, management
   * calls run one at a time, so a key rotated while the bot was idle costs one 401, not MAX_IN_FLIGHT.
   */
  private verifiedAt: number | undefined;
  private readonly rejections: KeyRejections | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly lanes = new CallLanes(MAX_IN_FLIGHT);
  protected version: string | undefined;
  private lastSuccess: number | undefined;

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
    if (options.rejectedKeys) {
      this.rejections = new KeyRejections(options.rejectedKeys, this.now, options.logger);
    }
  }

  get serverVersion(): string | undefined {
    return this.version;
  }

  /** When a management call last succeeded (ms epoch, the client's clock); undefined before the first. */
  get lastSuccessAt(): number | undefined {
    return this.lastSuccess;
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
    this.verifiedAt = undefined;
  }

  async getJson<T>(
    route: string,
    schema: z.ZodType<T>,
    query?: Record<string, string>,
    missingRouteIs?: string,
    more: Pick<ManagementCallOptions, 'background' | 'maxBytes'> = {},
  ): Promise<T> {
    const res = await this.management('GET', route, {
      retry: true,
      ...(query ? { query } : {}),
      ...(missingRouteIs ? { missingRouteIs } : {}),
      ...more,
    });
    return this.parse('GET', route, res, schema);
  }

  parse<T>(method: Method, route: string, res: HttpResponse, schema: z.ZodType<T>): T {
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
  management(method: Method, route: string, opts: ManagementCallOptions = {}): Promise<HttpResponse> {
    const run = async () => {
      const key = this.key;
      if (!key) throw missingKeyError();
      if (this.latched) throw latchedError();
      const rejectedAt = await this.rejections?.rejectedAt(key);
      if (rejectedAt !== undefined) {
        if (key === this.key) this.latched = true;
        throw latchedElsewhereError(rejectedAt);
      }
      if (this.latched) throw latchedError(); // a 401 arrived while the store was being read
      const qs = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : '';
      const res = await this.transport.send({
        method,
        path: `${this.basePath}${MANAGEMENT_PREFIX}${route}${qs}`,
        headers: { ...opts.headers, authorization: `Bearer ${key}` },
        ...(opts.body !== undefined ? { body: opts.body } : {}),
        ...(opts.retry ? { retry: true } : {}),
        ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
        ...(opts.onText ? { onText: opts.onText } : {}),
      });
      this.captureVersion(res);
      if (res.status >= 200 && res.status < 300) {
        this.lastSuccess = this.now();
        if (key === this.key && !this.latched) this.verifiedAt = this.lastSuccess;
        return res;
      }
      if (res.status === 401) await this.rejected(key);
      if (res.status === 404 && !parseHandlerError(res.text)) {
        throw await this.explainBare404(method, route, opts.missingRouteIs);
      }
      throw classifyFailure(res, method, MANAGEMENT_PREFIX + route, this.version, this.redactor);
    };
    const background = opts.background === true;
    const verified = this.verifiedAt !== undefined && this.now() - this.verifiedAt < VERIFIED_FOR_MS;
    if (!verified) {
      // one at a time (and inside the in-flight limit) until a call succeeds with this key
      const next = this.queue.then(
        () => this.lanes.run(run, background),
        () => this.lanes.run(run, background),
      );
      this.queue = next.catch(() => undefined);
      return next;
    }
    // even with a verified key, at most MAX_IN_FLIGHT calls at once: if the key is rotated on the proxy,
    // only the calls already in flight can fail before the 401 latch stops the rest
    return this.lanes.run(run, background);
  }

  /** A 401 for `key`: latch (if it is still the current key) and tell the other replicas. */
  protected async rejected(key: string): Promise<void> {
    if (key !== this.key) return;
    this.latched = true;
    this.verifiedAt = undefined;
    await this.rejections?.record(key);
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
    if (res.status === 401 && this.key) await this.rejected(this.key);
    if (res.status === 404 && !parseHandlerError(res.text)) return managementDisabledError(url);
    if (res.status >= 200 && res.status < 300) {
      return routeMissingError(method, MANAGEMENT_PREFIX + route, this.version, missingRouteIs);
    }
    return classifyFailure(res, 'GET', `${MANAGEMENT_PREFIX}/config`, this.version, this.redactor);
  }

  captureVersion(res: HttpResponse): void {
    const v = res.headers['x-cpa-version'];
    const version = Array.isArray(v) ? v[0] : v;
    if (version) this.version = version.slice(0, 80);
  }

  /** Closes the pool; calls still waiting on a slow or hung proxy are aborted, so shutdown never hangs on them. */
  async close(): Promise<void> {
    await this.ownedDispatcher?.destroy();
  }
}
