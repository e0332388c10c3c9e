import { describe, expect, it } from 'vitest';
import type { AuthFile } from '../../src/cliproxy/types.js';
import {
  checkCooldownCleared,
  credentialNameOf,
  fingerprintCooldown,
} from '../../src/domain/actions/reset-cooldown.js';
import { AppError } from '../../src/errors.js';

const NOW = Date.parse('2026-05-01T12:00:00Z');
const opts = { now: NOW, staleCooldownMs: 6 * 3_600_000 };
const file = (over: Partial<AuthFile> = {}): AuthFile => ({
  name: 'k.json',
  provider: 'kiro',
  type: 'kiro',
  label: undefined,
  email: undefined,
  status: 'active',
  statusMessage: undefined,
  disabled: false,
  unavailable: false,
  runtimeOnly: false,
  lastRefresh: undefined,
  nextRetryAfter: undefined,
  authIndex: 'i1',
  ...over,
});

describe('checkCooldownCleared', () => {
  it.each<[string, AuthFile | undefined, boolean]>([
    ['back in use', file(), true],
    ['a next_retry_after in the past while in use', file({ nextRetryAfter: '2026-05-01T11:00:00Z' }), true],
    ['still unavailable', file({ unavailable: true, statusMessage: 'quota exhausted' }), false],
    ['a next_retry_after ahead', file({ nextRetryAfter: '2026-05-01T13:00:00Z' }), false],
    ['gone', undefined, false],
  ])('%s', (_name, f, ok) => {
    const check = checkCooldownCleared('k.json', f, opts);
    expect(check.ok).toBe(ok);
    if (!ok) expect(check.runbook).toBe('model-cooldown');
  });
});

describe('the target of a reset', () => {
  it.each([undefined, '', '   ', 42, 'x'.repeat(256)])('refuses credential %j', (bad) => {
    expect(() => credentialNameOf({ credential: bad })).toThrow(AppError);
  });

  it('fingerprints what says whether it still cools down', () => {
    const cooling = file({ unavailable: true, nextRetryAfter: '2026-05-01T13:00:00Z' });
    expect(fingerprintCooldown(cooling)).toBe(fingerprintCooldown({ ...cooling, lastRefresh: 'x' }));
    expect(fingerprintCooldown(cooling)).not.toBe(fingerprintCooldown({ ...cooling, unavailable: false }));
    expect(fingerprintCooldown(cooling)).not.toBe(
      fingerprintCooldown({ ...cooling, nextRetryAfter: undefined }),
    );
    expect(fingerprintCooldown(undefined)).not.toBe(fingerprintCooldown(cooling));
  });
});
