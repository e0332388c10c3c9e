// Side-effect-free probes of the Kiro routes of Plus-era builds. Each one sends a request the route's
// handler answers before it does anything (a read of an unknown session, a rejected query parameter), so
// asking "is it there?" never refreshes a token or starts a login.
import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import { parseHandlerError } from './classify.js';
import type { HttpResponse, Transport } from './transport.js';
import type { ManagementClient } from './types.js';

/** The Kiro web routes (`/v0/oauth/kiro/*`) sit outside the management group: no key is sent to them. */
export const KIRO_STATUS_ROUTE = '/v0/oauth/kiro/status';

/** A login method no build accepts: the kiro-auth-url handler rejects it before registering a session. */
export const PROBE_LOGIN_METHOD = 'auth-bot-probe';

export type ProbeAnswer = 'present' | 'missing' | 'unknown';

/**
 * Whether the Kiro web routes (and with them POST /v0/oauth/kiro/refresh) are registered, asked through
 * `GET /v0/oauth/kiro/status?state=<random>`: the handler answers a JSON 404 `{"error":"session not found"}`
 * for a state it never issued (a read, nothing changes); a build without the routes answers gin's
 * empty 404. Anything else (5xx, another shape) is "unknown": the caller then offers the route unprobed.
 */
export async function probeKiroWebRoutes(
  send: (path: string) => Promise<HttpResponse>,
  basePath: string,
): Promise<ProbeAnswer> {
  const state = `auth-bot-probe-${randomBytes(12).toString('hex')}`;
  const res = await send(`${basePath}${KIRO_STATUS_ROUTE}?state=${state}`);
  if (res.status === 404) return parseHandlerError(res.text) ? 'present' : 'missing';
  if (res.status === 400 && parseHandlerError(res.text)) return 'present'; // a handler checked the query
  return 'unknown';
}

/** The thin Transport call the client delegates to (no management key: the route is not in that group). */
export function kiroWebGet(transport: Transport): (path: string) => Promise<HttpResponse> {
  return (path) => transport.send({ method: 'GET', path });
}

export interface KiroLoginProbe {
  answer: ProbeAnswer;
  /** The methods the handler names in its rejection ("use 'aws', 'google', or 'github'"). */
  methods: string[];
}

/**
 * Whether `GET /v0/management/kiro-auth-url` exists, and its methods: sent with a method no build
 * accepts, the Plus handler answers 400 `invalid method, use 'aws', 'google', or 'github'` before it
 * registers a session or calls anything. A bare 404 (route missing) is "missing".
 */
export async function probeKiroLogin(client: Pick<ManagementClient, 'startLogin'>): Promise<KiroLoginProbe> {
  try {
    await client.startLogin('kiro', { method: PROBE_LOGIN_METHOD });
    // the build accepted a method it cannot know: the route is there, what it started is unknown
    return { answer: 'present', methods: [] };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === 'route_missing') return { answer: 'missing', methods: [] };
    const serverError = (err.details as { serverError?: unknown } | undefined)?.serverError;
    if (err.code === 'bad_request' && typeof serverError === 'string') {
      const methods = [...serverError.matchAll(/'([a-z0-9-]{1,30})'/g)].map((m) => m[1] as string);
      return { answer: 'present', methods };
    }
    if (err.code === 'bad_request' || err.code === 'server_error') return { answer: 'unknown', methods: [] };
    throw err;
  }
}

/**
 * Whether a GET management route is registered, without running it: gin answers a request for the same
 * path with a trailing slash by redirecting (301) to the registered route before any middleware or
 * handler runs; an unregistered path gets the router's 404. The key is sent so that a build whose
 * not-found handler checks it (upstream v7) answers 404, not a 401 that would count toward the ban.
 */
export async function probeGetRoute(
  send: (path: string) => Promise<HttpResponse>,
  basePath: string,
  route: string,
): Promise<ProbeAnswer> {
  const res = await send(`${basePath}/v0/management/${route}/`);
  const location = res.headers.location;
  const target = Array.isArray(location) ? location[0] : location;
  if (
    [301, 307, 308].includes(res.status) &&
    target?.replace(/^https?:\/\/[^/]+/, '').endsWith(`/${route}`)
  ) {
    return 'present';
  }
  if (res.status === 404 && !parseHandlerError(res.text)) return 'missing';
  return 'unknown';
}
