// Reduces a raw token file to non-secret facts the moment it is parsed. The raw object never leaves here.

import { toRfc3339 } from './time.js';
import type { TokenSummary } from './types.js';

/** Expiry keys the proxy's own scheduler reads, in its order; also looked up under a nested `token`. */
export const EXPIRY_KEYS = ['expired', 'expire', 'expires_at', 'expiresAt', 'expiry', 'expires'] as const;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
const stringOf = (v: unknown): string | undefined => (nonEmpty(v) ? (v as string).trim() : undefined);

function findExpiry(obj: Json): string | undefined {
  for (const key of EXPIRY_KEYS) {
    const t = toRfc3339(obj[key]);
    if (t) return t;
  }
  return undefined;
}

/** Builds the TokenSummary of one downloaded token file. Reads only the fields it names. */
export function summarizeToken(name: string, raw: unknown): TokenSummary {
  const file: Json = isObject(raw) ? raw : {};
  const nested: Json = isObject(file.token) ? file.token : {};
  return {
    name,
    type: stringOf(file.type),
    expiresAt: findExpiry(file) ?? findExpiry(nested),
    lastRefresh: toRfc3339(file.last_refresh) ?? toRfc3339(nested.last_refresh),
    hasRefreshToken: nonEmpty(file.refresh_token) || nonEmpty(nested.refresh_token),
    authMethod: stringOf(file.auth_method)?.toLowerCase(),
    region: stringOf(file.region),
    hasClientId: nonEmpty(file.client_id),
    hasClientSecret: nonEmpty(file.client_secret),
    email: stringOf(file.email),
  };
}
