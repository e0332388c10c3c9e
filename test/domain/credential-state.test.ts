import { describe, expect, it } from 'vitest';
import {
  type CredentialFacts,
  credentialConditions,
  describeState,
  isCoolingDown,
} from '../../src/domain/credential-state.js';

const NOW = Date.parse('2026-05-01T12:05:00Z');
const H = 3_600_000;
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
const opts = { now: NOW, staleCooldownMs: 6 * H };

const facts = (over: Partial<CredentialFacts> = {}): CredentialFacts => ({
  status: 'active',
  statusMessage: undefined,
  disabled: false,
  unavailable: false,
  nextRetryAfter: undefined,
  ...over,
});

describe('credentialConditions', () => {
  it.each<[string, Partial<CredentialFacts>, string | undefined, string | undefined]>([
    ['a healthy credential', {}, undefined, undefined],
    [
      'quota exhausted with the retry ahead',
      { unavailable: true, statusMessage: 'quota exhausted', nextRetryAfter: at(2 * H) },
      'cooldown',
      'reset-cooldown',
    ],
    [
      'a next_retry_after ahead without a quota message',
      { unavailable: true, statusMessage: 'transient upstream error', nextRetryAfter: at(10 * 60_000) },
      'cooldown',
      'reset-cooldown',
    ],
    [
      'unavailable past next_retry_after',
      { unavailable: true, statusMessage: 'quota exhausted', nextRetryAfter: at(-H) },
      'stale-cooldown',
      'reset-cooldown',
    ],
    [
      'cooling down for longer than the threshold',
      { unavailable: true, statusMessage: 'quota exhausted', nextRetryAfter: at(H), updatedAt: at(-7 * H) },
      'stale-cooldown',
      'reset-cooldown',
    ],
    [
      'payment_required',
      { status: 'error', statusMessage: 'payment_required', unavailable: true },
      'suspended',
      undefined,
    ],
    [
      'a plain transient error without retry time',
      { unavailable: true, statusMessage: 'transient upstream error' },
      undefined,
      undefined,
    ],
    [
      'unauthorized (not a cooldown)',
      { status: 'error', statusMessage: 'unauthorized', unavailable: true },
      undefined,
      undefined,
    ],
    [
      'a disabled credential with an old quota message',
      { disabled: true, statusMessage: 'quota exhausted', unavailable: true },
      undefined,
      undefined,
    ],
  ])('%s', (_name, over, condition, action) => {
    const found = credentialConditions(facts(over), opts);
    expect(found[0]?.condition).toBe(condition);
    expect(found[0]?.action).toBe(action);
    if (condition === 'suspended') expect(found[0]?.text).toContain('needs a human');
    if (condition?.includes('cooldown')) expect(found[0]?.runbook).toBe('model-cooldown');
  });

  it('takes the caller-known start of the cooldown over the proxy updated_at', () => {
    const f = facts({
      unavailable: true,
      statusMessage: 'quota exhausted',
      nextRetryAfter: at(H),
      updatedAt: at(-H),
    });
    expect(credentialConditions(f, opts)[0]?.condition).toBe('cooldown');
    expect(credentialConditions(f, { ...opts, since: NOW - 8 * H })[0]?.condition).toBe('stale-cooldown');
    expect(credentialConditions(f, { ...opts, staleCooldownMs: 30 * 60_000 })[0]?.condition).toBe(
      'stale-cooldown',
    );
  });

  it('is no longer cooling down once next_retry_after passed and the proxy uses it again', () => {
    expect(isCoolingDown(facts({ statusMessage: 'quota exhausted', nextRetryAfter: at(-60_000) }), NOW)).toBe(
      false,
    );
  });
});

describe('describeState', () => {
  it.each<[Partial<CredentialFacts>, string]>([
    [{}, 'active'],
    [
      { unavailable: true, statusMessage: 'quota exhausted', nextRetryAfter: '2026-05-01T14:05:00Z' },
      'quota exhausted — retry after 14:05 UTC, in 2 h',
    ],
    [
      { unavailable: true, statusMessage: 'quota exhausted', nextRetryAfter: '2026-05-04T09:00:00Z' },
      'quota exhausted — retry after May 4 09:00 UTC, in 3 d',
    ],
    [
      { unavailable: true, statusMessage: 'quota exhausted', nextRetryAfter: '2026-05-01T10:05:00Z' },
      'quota exhausted — still unavailable although its retry was due at 10:05 UTC, 2 h ago',
    ],
    [
      { status: 'error', statusMessage: 'unauthorized', unavailable: true },
      'error — unauthorized: the proxy stopped refreshing it',
    ],
    [{ disabled: true, status: 'disabled' }, 'disabled'],
    [
      {
        status: 'error',
        unavailable: true,
        statusMessage: '{"error":{"type":"rate_limit_error","message":"quota exceeded"}}',
        nextRetryAfter: '2026-05-01T12:35:00Z',
      },
      'quota exceeded — retry after 12:35 UTC, in 30 min',
    ],
    [{ status: 'refreshing' }, 'refreshing'],
  ])('%j reads "%s"', (over, words) => {
    expect(describeState(facts(over), opts)).toBe(words);
  });
});
