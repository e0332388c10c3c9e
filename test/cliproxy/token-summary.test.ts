import { describe, expect, it } from 'vitest';
import { toRfc3339 } from '../../src/cliproxy/time.js';
import { summarizeToken } from '../../src/cliproxy/token-summary.js';

describe('summarizeToken', () => {
  it.each([
    ['expired', { expired: '2026-05-01T10:00:00Z' }],
    ['expire', { expire: '2026-05-01T10:00:00Z' }],
    ['expires_at', { expires_at: '2026-05-01T12:00:00+02:00' }],
    ['expiresAt', { expiresAt: 1777629600 }],
    ['expiry', { expiry: 1777629600000 }],
    ['expires', { expires: '1777629600' }],
    ['token.expiry', { token: { expiry: '2026-05-01T10:00:00.000Z' } }],
    ['token.expires_at', { token: { expires_at: 1777629600 } }],
  ])('reads the expiry from %s', (_key, file) => {
    expect(summarizeToken('x.json', file).expiresAt).toBe('2026-05-01T10:00:00Z');
  });

  it("prefers top-level keys in the proxy's order", () => {
    expect(summarizeToken('x.json', { expired: 1777629600, expires_at: 1 }).expiresAt).toBe(
      '2026-05-01T10:00:00Z',
    );
  });

  it('ignores unusable times', () => {
    for (const v of ['', 'soon', 0, -5, '0001-01-01T00:00:00Z', null, true, {}]) {
      expect(summarizeToken('x.json', { expired: v }).expiresAt).toBeUndefined();
    }
  });

  it('sees refresh tokens at the top level or nested, and only when non-empty', () => {
    expect(summarizeToken('a.json', { refresh_token: 'r' }).hasRefreshToken).toBe(true);
    expect(summarizeToken('a.json', { token: { refresh_token: 'r' } }).hasRefreshToken).toBe(true);
    expect(summarizeToken('a.json', { refresh_token: '' }).hasRefreshToken).toBe(false);
    expect(summarizeToken('a.json', { refresh_token: '  ' }).hasRefreshToken).toBe(false);
    expect(summarizeToken('a.json', {}).hasRefreshToken).toBe(false);
  });

  it('keeps only non-secret facts', () => {
    const s = summarizeToken('kiro.json', {
      type: 'kiro',
      access_token: 'AT-secret',
      refresh_token: 'RT-secret',
      client_id: 'cid',
      client_secret: 'CS-secret',
      auth_method: 'IDC',
      region: 'eu-west-1',
      last_refresh: '2026-04-30T00:00:00Z',
      email: 'a@example.com',
    });
    expect(s).toEqual({
      name: 'kiro.json',
      type: 'kiro',
      expiresAt: undefined,
      lastRefresh: '2026-04-30T00:00:00Z',
      hasRefreshToken: true,
      authMethod: 'idc',
      region: 'eu-west-1',
      hasClientId: true,
      hasClientSecret: true,
      email: 'a@example.com',
    });
    expect(JSON.stringify(s)).not.toMatch(/AT-secret|RT-secret|CS-secret/);
  });

  it('normalises times to RFC 3339 UTC', () => {
    expect(toRfc3339('2026-05-01T12:00:00.5+02:00')).toBe('2026-05-01T10:00:00.500Z');
    expect(toRfc3339(1777629600)).toBe('2026-05-01T10:00:00Z');
  });
});
