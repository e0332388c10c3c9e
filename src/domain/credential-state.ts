// What one auth-files entry says about a credential, in words a person reads, and the conditions the
// bot acts on: cooldown, stale-cooldown and suspended. Pure: the caller passes `now` and the threshold,
// so /auth-status, `auth-bot status` and the credential watch judge a credential the same way.
import type { AuthFile } from '../cliproxy/types.js';

/** Condition ids (public, like runbook row ids). */
export type CredentialCondition = 'cooldown' | 'stale-cooldown' | 'suspended';

/** The approval-gated action that clears a cooldown. */
export const RESET_COOLDOWN_ACTION = 'reset-cooldown' as const;
export const DEFAULT_STALE_COOLDOWN_MS = 6 * 3_600_000;

export type CredentialFacts = Pick<
  AuthFile,
  'status' | 'statusMessage' | 'disabled' | 'unavailable' | 'nextRetryAfter'
> & { updatedAt?: string | undefined };

export interface StateOptions {
  now: number;
  /** A cooldown older than this is stale (AUTHBOT_WATCH_STALE_COOLDOWN). */
  staleCooldownMs: number;
  /** When the cooldown began, if the caller knows better than the proxy's updated_at (the watch does). */
  since?: number | undefined;
}

export interface ConditionFinding {
  condition: CredentialCondition;
  /** One line for people, e.g. "quota exhausted — retry after 14:05 UTC, in 2 h". */
  text: string;
  runbook: string;
  /** The approval-gated fix, or undefined when none exists (suspended: needs a human). */
  action: typeof RESET_COOLDOWN_ACTION | undefined;
  /** When the cooldown ends (RFC 3339), if the proxy says. */
  until: string | undefined;
  /** Since when it has been cooling down (RFC 3339), if known. */
  since: string | undefined;
}

const QUOTA_WORDS = /quota|exhaust|cool|rate.?limit|too many requests|429/i;
const SUSPENDED_WORDS = /payment.?required|suspend|forbidden|\b40[23]\b|billing/i;

/** The status message says the quota is used up (the only cooldowns a reset can clear). */
export function saysQuotaExhausted(facts: Pick<CredentialFacts, 'statusMessage'>): boolean {
  return QUOTA_WORDS.test(facts.statusMessage ?? '');
}

/** payment_required / 403: the account itself is blocked; no bot action helps. */
export function isSuspended(facts: Pick<CredentialFacts, 'statusMessage' | 'disabled'>): boolean {
  return !facts.disabled && SUSPENDED_WORDS.test(facts.statusMessage ?? '');
}

const ms = (t: string | undefined) => (t === undefined ? undefined : Date.parse(t));

/**
 * True while the credential is kept out of use for its quota: it says the quota is exhausted or carries a
 * next_retry_after, and it is unavailable or its next_retry_after is still ahead.
 */
export function isCoolingDown(facts: CredentialFacts, now: number): boolean {
  if (facts.disabled || isSuspended(facts)) return false;
  const retry = ms(facts.nextRetryAfter);
  if (!saysQuotaExhausted(facts) && retry === undefined) return false;
  return facts.unavailable || (retry !== undefined && retry > now);
}

/** "14:05 UTC" today, "Dec 4 14:05 UTC" another day. */
export function formatClock(at: number, now: number): string {
  const d = new Date(at);
  const hm = d.toISOString().slice(11, 16);
  if (d.toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10)) return `${hm} UTC`;
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${month} ${d.getUTCDate()} ${hm} UTC`;
}

/** "2 h", "45 min", "3 d", "less than a minute". */
export function formatSpan(spanMs: number): string {
  const m = Math.round(Math.abs(spanMs) / 60_000);
  if (m < 1) return 'less than a minute';
  if (m < 90) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

/** "in 2 h" / "2 h ago". */
export function relative(at: number, now: number): string {
  return at >= now ? `in ${formatSpan(at - now)}` : `${formatSpan(now - at)} ago`;
}

/** The status message in words: a code like payment_required reads "payment required"; an upstream
 * error body (the proxy stores it verbatim) is reduced to its message. */
export function statusWords(statusMessage: string | undefined, fallback = 'quota exhausted'): string {
  const text = (statusMessage ?? '').trim();
  if (text === '') return fallback;
  if (text.startsWith('{')) {
    try {
      const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
      const inner = typeof body.error === 'object' ? body.error?.message : (body.error ?? body.message);
      if (typeof inner === 'string' && inner.trim() !== '') return inner.trim().slice(0, 160);
    } catch {
      // not JSON after all: shown as text
    }
  }
  return text.replace(/_/g, ' ').replace(/\s+/g, ' ').slice(0, 160);
}

const messageOf = (facts: CredentialFacts) => statusWords(facts.statusMessage);

/** The cooldown condition of one credential, or undefined when it is not cooling down. */
export function cooldownFinding(facts: CredentialFacts, options: StateOptions): ConditionFinding | undefined {
  const { now } = options;
  if (!isCoolingDown(facts, now)) return undefined;
  const retry = ms(facts.nextRetryAfter);
  const sinceMs = options.since ?? (facts.unavailable ? ms(facts.updatedAt) : undefined);
  const since = sinceMs !== undefined && !Number.isNaN(sinceMs) ? new Date(sinceMs).toISOString() : undefined;
  const base = {
    runbook: 'model-cooldown',
    action: RESET_COOLDOWN_ACTION,
    until: facts.nextRetryAfter,
    since,
  };
  const sinceText = sinceMs !== undefined && since ? `, cooling down since ${formatClock(sinceMs, now)}` : '';
  if (retry !== undefined && retry <= now && facts.unavailable) {
    return {
      ...base,
      condition: 'stale-cooldown',
      text: `${messageOf(facts)} — still unavailable although its retry was due at ${formatClock(retry, now)}, ${relative(retry, now)}${sinceText}`,
    };
  }
  if (sinceMs !== undefined && now - sinceMs > options.staleCooldownMs) {
    return {
      ...base,
      condition: 'stale-cooldown',
      text: `${messageOf(facts)} — cooling down for ${formatSpan(now - sinceMs)} (longer than ${formatSpan(options.staleCooldownMs)})${retry !== undefined ? `, retry after ${formatClock(retry, now)}, ${relative(retry, now)}` : ''}`,
    };
  }
  return {
    ...base,
    condition: 'cooldown',
    text:
      retry !== undefined && retry > now
        ? `${messageOf(facts)} — retry after ${formatClock(retry, now)}, ${relative(retry, now)}`
        : `${messageOf(facts)} — unavailable, no retry time given${sinceText}`,
  };
}

/** Every condition of one credential (at most one cooldown kind, or suspended). */
export function credentialConditions(facts: CredentialFacts, options: StateOptions): ConditionFinding[] {
  if (isSuspended(facts)) {
    return [
      {
        condition: 'suspended',
        text: `${messageOf(facts)} — the account is blocked upstream (billing or suspension): needs a human, no automatic fix`,
        runbook: 'auth-unavailable',
        action: undefined,
        until: undefined,
        since: undefined,
      },
    ];
  }
  const cooldown = cooldownFinding(facts, options);
  return cooldown ? [cooldown] : [];
}

/** The credential's state in words: "active", "quota exhausted — retry after 14:05 UTC, in 2 h", ... */
export function describeState(facts: CredentialFacts, options: StateOptions): string {
  if (facts.disabled) return 'disabled';
  const found = credentialConditions(facts, options)[0];
  if (found) return found.text;
  const message = facts.statusMessage ? ` — ${statusWords(facts.statusMessage)}` : '';
  if (facts.status === 'error' && facts.statusMessage === 'unauthorized')
    return 'error — unauthorized: the proxy stopped refreshing it';
  if (facts.unavailable) return `${facts.status}, not in use${message}`;
  return `${facts.status}${message}`;
}
