import { describe, expect, it } from 'vitest';
import {
  type CredentialState,
  describeChange,
  fingerprintTarget,
} from '../../../src/domain/approvals/fingerprint.js';
import { canTransition, isTerminal, sourcesOf } from '../../../src/domain/approvals/state.js';

const a: CredentialState = {
  name: 'kiro-a.json',
  provider: 'kiro',
  status: 'active',
  statusMessage: undefined,
  disabled: false,
  expiresAt: '2026-01-01T00:00:00Z',
  lastRefresh: '2025-12-31T23:00:00Z',
};
const b: CredentialState = { ...a, name: 'kiro-b.json' };

describe('fingerprintTarget', () => {
  it('does not depend on order', () => {
    expect(fingerprintTarget([a, b])).toBe(fingerprintTarget([b, a]));
  });
  it.each([
    ['expiry', { expiresAt: '2026-02-01T00:00:00Z' }, 'expiry'],
    ['last refresh', { lastRefresh: '2026-01-01T00:00:00Z' }, 'last refresh'],
    ['status', { status: 'error' }, 'status active → error'],
    ['disabled', { disabled: true }, 'was disabled'],
  ])('changes when %s changes and says so', (_n, change, words) => {
    const after = { ...a, ...change };
    expect(fingerprintTarget([after])).not.toBe(fingerprintTarget([a]));
    expect(describeChange([a], [after])).toContain(words);
  });
  it('notices credentials appearing and disappearing', () => {
    expect(describeChange([a, b], [a])).toContain('kiro-b.json is gone');
    expect(describeChange([a], [a, b])).toContain('kiro-b.json appeared');
  });
});

describe('the request state machine', () => {
  it('allows only forward moves', () => {
    expect(canTransition('pending', 'approved')).toBe(true);
    expect(canTransition('approved', 'pending')).toBe(false);
    expect(canTransition('verified', 'running')).toBe(false);
    expect(isTerminal('stale')).toBe(true);
    expect(isTerminal('running')).toBe(false);
    expect(sourcesOf('failed').sort()).toEqual(['approved', 'running']);
  });
});
