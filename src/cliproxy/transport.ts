// Where HTTP leaves the process: one undici dispatcher, a deadline per call, bounded retries for
// idempotent GETs on network errors and 5xx. Never retries a 4xx (a retried 401 gets the host banned).
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { AppError } from '../errors.js';
import { responseTooLargeError, timeoutError, unreachableError } from './errors.js';

/** The most the bot reads of a JSON answer (token file, login status, canary, errors...). */
export const JSON_BODY_LIMIT = 1024 * 1024;
/** The most the bot reads of the auth-file list (about 8,000 credentials). */
export const AUTH_FILES_LIMIT = 4 * 1024 * 1024;
/** The most the bot reads of GET /config.yaml (it is stored as a snapshot). */
export const CONFIG_YAML_LIMIT = 4 * 1024 * 1024;

export interface TransportOptions {
  baseUrl: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  logger: Logger | undefined;
  now: () => number;
  /** Called after every attempt (metrics): the route without its query, the status or "error". */
  onRequest?: ((info: RequestInfo) => void) | undefined;
}

export interface RequestInfo {
  method: string;
  route: string;
  status: string;
  durationMs: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  path: string; // with query
  headers?: Record<string, string>;
  body?: string;
  /** Overrides the transport's deadline (the canary waits longer than a management call). */
  timeoutMs?: number;
  /** Retries on network errors and 5xx; only ever true for idempotent GETs. */
  retry?: boolean;
  /** The most bytes of the answer's body the call reads (default JSON_BODY_LIMIT); past it, the call fails. */
  maxBytes?: number;
  /**
   * Takes a 2xx body as it arrives, decoded piece by piece (the response's `text` is then empty), so a
   * large answer is never held whole. An error it throws ends the call with that error. Once it has taken a
   * piece, the call is not retried (what it took cannot be taken back); before that, it is as any call.
   */
  onText?: (piece: string) => void;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  durationMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Transport {
  constructor(private readonly options: TransportOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** Sends one call. Throws AppError timeout / unreachable; any HTTP status is returned, not thrown. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const { now, retries, retryDelayMs } = this.options;
    const budget = req.timeoutMs ?? this.options.timeoutMs;
    const started = now();
    const deadline = started + budget;
    const maxAttempts = req.retry && req.method === 'GET' ? retries + 1 : 1;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const remaining = deadline - now();
      if (remaining <= 0) throw timeoutError(this.options.baseUrl, budget);
      try {
        const res = await this.attempt(req, remaining, attempt);
        if (res.status >= 500 && attempt < maxAttempts && deadline - now() > retryDelayMs) {
          await sleep(retryDelayMs * attempt);
          continue;
        }
        return res;
      } catch (err) {
        if (err === TIMED_OUT) throw timeoutError(this.options.baseUrl, budget);
        if (err instanceof AppError) throw err; // an answer too large: asking again gets the same answer
        if (err instanceof BodyTaken) {
          // the body's consumer failed, or the connection broke after it took some of the body
          if (err.consumer) throw err.cause;
          throw unreachableError(this.options.baseUrl, describeNetworkError(err.cause));
        }
        lastError = err;
        if (isClosedDispatcher(err)) break; // shutting down: retrying a closed client cannot succeed
        if (attempt < maxAttempts && deadline - now() > retryDelayMs) {
          await sleep(retryDelayMs * attempt);
        }
      }
    }
    if (deadline - now() <= 0) throw timeoutError(this.options.baseUrl, budget);
    throw unreachableError(this.options.baseUrl, describeNetworkError(lastError));
  }

  private async attempt(req: HttpRequest, remainingMs: number, attempt: number): Promise<HttpResponse> {
    const { dispatcher, baseUrl, logger, now, onRequest } = this.options;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(TIMED_OUT), remainingMs);
    const started = now();
    const route = req.path.split('?')[0];
    try {
      const res = await dispatcher.request({
        origin: baseUrl,
        path: req.path,
        method: req.method,
        headers: req.headers ?? {},
        body: req.body ?? null,
        signal: controller.signal,
        headersTimeout: remainingMs,
        bodyTimeout: remainingMs,
      });
      const limit = req.maxBytes ?? JSON_BODY_LIMIT;
      const where = route ?? req.path;
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const text =
        req.onText && ok
          ? await streamCapped(res, req.method, where, limit, req.onText, controller.signal)
          : await readCapped(res, req.method, where, limit);
      const durationMs = now() - started;
      logger?.debug(
        { method: req.method, route, status: res.statusCode, durationMs, attempt },
        'cliproxy request',
      );
      onRequest?.({ method: req.method, route, status: String(res.statusCode), durationMs });
      return { status: res.statusCode, headers: res.headers, text, durationMs };
    } catch (err) {
      const durationMs = now() - started;
      if (err instanceof BodyTaken && err.consumer) {
        onRequest?.({ method: req.method, route, status: 'bad_body', durationMs });
        throw err;
      }
      if (err instanceof AppError) {
        logger?.warn(
          { method: req.method, route, durationMs, attempt, error: err.code },
          'cliproxy answer refused',
        );
        onRequest?.({ method: req.method, route, status: 'too_large', durationMs });
        throw err;
      }
      const timedOut = controller.signal.aborted;
      if (err instanceof BodyTaken && !timedOut) {
        logger?.warn(
          { method: req.method, route, durationMs, attempt, error: describeNetworkError(err.cause) },
          'cliproxy request failed while its body was being read',
        );
        onRequest?.({ method: req.method, route, status: 'error', durationMs });
        throw err;
      }
      logger?.warn(
        {
          method: req.method,
          route,
          durationMs,
          attempt,
          error: timedOut ? 'timeout' : describeNetworkError(err),
        },
        'cliproxy request failed',
      );
      onRequest?.({ method: req.method, route, status: timedOut ? 'timeout' : 'error', durationMs });
      throw timedOut ? TIMED_OUT : err;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A declared Content-Length past the cap fails the call before anything is read. */
function refuseDeclaredPastCap(res: Dispatcher.ResponseData, method: string, route: string, limit: number) {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) failPastCap(res, method, route, limit);
}

/** Past the cap: the connection is aborted (nothing more is read) and the call fails. */
function failPastCap(res: Dispatcher.ResponseData, method: string, route: string, limit: number): never {
  res.body.destroy();
  throw responseTooLargeError(method, route, limit);
}

/**
 * Reads the body as UTF-8 text, at most `limit` bytes: a declared Content-Length past the limit fails
 * before reading, and a streamed body is abandoned (the connection aborted) as soon as it passes it, so
 * a huge or endless answer never sits in memory.
 */
async function readCapped(
  res: Dispatcher.ResponseData,
  method: string,
  route: string,
  limit: number,
): Promise<string> {
  refuseDeclaredPastCap(res, method, route, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) failPastCap(res, method, route, limit);
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** A failure after a streamed body started: `consumer` when the consumer threw, else the connection broke. */
class BodyTaken extends Error {
  constructor(
    override readonly cause: unknown,
    readonly consumer: boolean,
  ) {
    super('streamed body failed');
  }
}

/** As readCapped, but hands the body to `onText` piece by piece (UTF-8 split safely) and returns "". */
async function streamCapped(
  res: Dispatcher.ResponseData,
  method: string,
  route: string,
  limit: number,
  onText: (piece: string) => void,
  signal: AbortSignal,
): Promise<string> {
  refuseDeclaredPastCap(res, method, route, limit);
  // ignoreBOM: a byte-order mark stays in the text (and is refused as JSON is), as when read whole
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let size = 0;
  let taken = false;
  const take = (piece: string) => {
    try {
      if (!piece) return;
      taken = true;
      onText(piece);
    } catch (err) {
      res.body.destroy();
      throw new BodyTaken(err, true);
    }
  };
  const chunks = res.body[Symbol.asyncIterator]();
  // Each chunk is decoded in a call of its own, so the raw chunk is let go before its text is handed
  // on: a chunk still referenced while the consumer works would survive the young-generation GCs that
  // work triggers, and its memory would wait for the next full GC (about one 64 KiB chunk per read).
  const next = async (): Promise<string | undefined> => {
    const r = await chunks.next();
    if (r.done) return undefined;
    const buf = r.value as Buffer;
    size += buf.length;
    if (size > limit) failPastCap(res, method, route, limit);
    return decoder.decode(buf, { stream: true });
  };
  try {
    for (let piece = await next(); piece !== undefined; piece = await next()) take(piece);
  } catch (err) {
    if (err instanceof AppError || err instanceof BodyTaken || signal.aborted) throw err;
    // broken before the consumer took anything: asking again is safe (an ordinary network error)
    if (!taken) throw err;
    throw new BodyTaken(err, false);
  }
  take(decoder.decode());
  return '';
}

/** The client was closed (bot stopping): undici's ClientDestroyedError / ClientClosedError. */
function isClosedDispatcher(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED';
}

/** Sentinel thrown when the deadline aborts a request. */
const TIMED_OUT = Object.freeze(new Error('deadline exceeded'));

/** A short, secret-free reason for a network failure: the error code, never a payload. */
export function describeNetworkError(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; cause?: { code?: unknown }; name?: unknown };
    const code =
      typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection dropped';
    if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timeout';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
    if (code) return code;
    if (typeof e.name === 'string') return e.name;
  }
  return 'network error';
}
