// What is wrong with each credential right now, as watch conditions (ids are public, like runbook row
// ids). Pure: takes the poll's facts and `now`; knows nothing of Slack, the store or the clock.

import { credentialConditions } from '../credential-state.js';

export type ConditionId =
  | 'expiring'
  | 'expired'
  | 'refresh-stopped'
  | 'suspended'
  | 'cooldown'
  | 'stale-cooldown'
  | 'proxy-down'
  | 'key-rejected';

export type WatchAction = 'refresh' | 'relogin' | 'reenable' | 'reset-cooldown';

/** The runbook row and the approval-gated action (null: needs a human) each condition points to. */
export const CONDITIONS: Readonly<Record<ConditionId, { runbook: string[]; action: WatchAction | null }>> = {
  expiring: { runbook: ['token-stays-expired'], action: 'refresh' },
  expired: { runbook: ['token-stays-expired'], action: 'refresh' },
  'refresh-stopped': { runbook: ['refresh-stopped-unauthorized'], action: 'relogin' },
  suspended: { runbook: ['auth-unavailable'], action: null },
  cooldown: { runbook: ['model-cooldown'], action: 'reset-cooldown' },
  'stale-cooldown': { runbook: ['model-cooldown'], action: 'reset-cooldown' },
  'proxy-down': { runbook: ['refresh-404'], action: null },
  'key-rejected': { runbook: ['refresh-401'], action: null },
};

/** Conditions that fire on the first poll that sees them; the rest must hold on two consecutive polls. */
export const IMMEDIATE: ReadonlySet<ConditionId> = new Set([
  'expired',
  'refresh-stopped',
  'suspended',
  'key-rejected',
]);

/** Conditions about the proxy as a whole: while one fires, per-credential alerts are held. */
export const PROXY_WIDE: ReadonlySet<ConditionId> = new Set(['proxy-down', 'key-rejected']);

/** What a poll knows of one credential: the auth-files entry plus the expiry read from its file. */
export interface WatchedCredential {
  name: string;
  provider: string;
  status: string;
  statusMessage: string | undefined;
  disabled: boolean;
  unavailable: boolean;
  nextRetryAfter: string | undefined; // RFC 3339
  /** When the proxy last changed this credential's state (RFC 3339), if it says. */
  updatedAt?: string | undefined;
  expiresAt: string | undefined; // RFC 3339, from the token file
}

export interface Observation {
  condition: ConditionId;
  /** The auth file's name; null for proxy-wide conditions. */
  credential: string | null;
  provider: string | null;
  expiresAt: string | null;
  nextRetryAfter: string | null;
  /** One line for people, no secrets: "expires in 12 min (10:42 UTC)". */
  detail: string;
}

export interface ConditionSettings {
  expiryWarnMs: number;
  staleCooldownMs: number;
}

const REFRESH_STOPPED = /^(invalid_grant|unauthorized)$/i;

/**
 * The conditions one credential is in. Cooldowns and suspension are judged by the same pure function as
 * /auth-status (../credential-state.ts); `coolingSince` is when the watch first saw it cooling down (from
 * its stored state), so a cooldown that lasts longer than the stale threshold is `stale-cooldown`.
 */
export function detectCredential(
  c: WatchedCredential,
  now: number,
  settings: ConditionSettings,
  coolingSince?: number,
): Observation[] {
  if (c.disabled) return [];
  const base = {
    credential: c.name,
    provider: c.provider,
    expiresAt: c.expiresAt ?? null,
    nextRetryAfter: c.nextRetryAfter ?? null,
  };
  const out: Observation[] = [];
  const message = (c.statusMessage ?? '').trim();
  if (REFRESH_STOPPED.test(message)) {
    out.push({
      ...base,
      condition: 'refresh-stopped',
      detail: `status ${c.status} / ${message}: the proxy stopped refreshing it`,
    });
  }
  const found = credentialConditions(c, {
    now,
    staleCooldownMs: settings.staleCooldownMs,
    since: coolingSince,
  });
  for (const f of found) out.push({ ...base, condition: f.condition, detail: f.text });
  if (c.expiresAt) {
    const left = Date.parse(c.expiresAt) - now;
    if (Number.isFinite(left) && left <= 0) {
      out.push({ ...base, condition: 'expired', detail: `token expired at ${c.expiresAt}` });
    } else if (Number.isFinite(left) && left <= settings.expiryWarnMs) {
      const min = Math.max(1, Math.round(left / 60_000));
      out.push({ ...base, condition: 'expiring', detail: `token expires in ${min} min (${c.expiresAt})` });
    }
  }
  return out;
}

/** The proxy-wide observation for a poll that could not read the proxy, if any. */
export function detectProxy(failure: 'down' | 'key-rejected' | undefined, detail: string): Observation[] {
  if (!failure) return [];
  const condition: ConditionId = failure === 'down' ? 'proxy-down' : 'key-rejected';
  return [{ condition, credential: null, provider: null, expiresAt: null, nextRetryAfter: null, detail }];
}

/** The key of an alert: one per (credential, condition); proxy-wide conditions use "*". */
export function alertKey(o: Pick<Observation, 'condition' | 'credential'>): string {
  return `${o.condition}|${o.credential ?? '*'}`;
}
