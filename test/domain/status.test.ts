import { describe, expect, it } from 'vitest';
import type { AuthFile, TokenSummary } from '../../src/cliproxy/types.js';
import { assessCredential, buildStatusReport, isHealthy, toStatusJson } from '../../src/domain/status.js';

const NOW = Date.parse('2026-05-01T10:00:00Z');

const file = (over: Partial<AuthFile> = {}): AuthFile => ({
  name: 'x.json',
  provider: 'claude',
  type: 'claude',
  label: undefined,
  email: undefined,
  status: 'active',
  statusMessage: undefined,
  disabled: false,
  unavailable: false,
  runtimeOnly: false,
  lastRefresh: undefined,
  nextRetryAfter: undefined,
  authIndex: undefined,
  ...over,
});

const token = (over: Partial<TokenSummary> = {}): TokenSummary => ({
  name: 'x.json',
  type: 'claude',
  expiresAt: '2026-05-01T12:00:00Z',
  lastRefresh: '2026-05-01T09:00:00Z',
  hasRefreshToken: true,
  authMethod: undefined,
  region: undefined,
  hasClientId: false,
  hasClientSecret: false,
  email: undefined,
  ...over,
});

describe('assessCredential', () => {
  it('finds nothing wrong with a fresh, refreshable credential', () => {
    const c = assessCredential(file(), token(), NOW);
    expect(c.problems).toEqual([]);
    expect(c.runbook).toEqual([]);
  });

  it.each<[string, Partial<AuthFile>, Partial<TokenSummary>, string, string[]]>([
    ['an expired token', {}, { expiresAt: '2026-05-01T09:59:59Z' }, 'expired', ['token-stays-expired']],
    [
      'a token expiring within 10 minutes',
      {},
      { expiresAt: '2026-05-01T10:09:00Z' },
      'expiring',
      ['token-stays-expired'],
    ],
    ['no refresh token', {}, { hasRefreshToken: false }, 'no_refresh_token', ['token-stays-expired']],
    [
      'an iFlow token without refresh token',
      { provider: 'iflow' },
      { type: 'iflow', hasRefreshToken: false },
      'no_refresh_token',
      ['iflow-refresh-failed'],
    ],
    [
      'a Kiro IDC token without client_secret',
      { provider: 'kiro' },
      { type: 'kiro', authMethod: 'idc', hasClientId: true, region: 'us-east-1' },
      'kiro_client_incomplete',
      ['kiro-idc-refresh'],
    ],
    [
      'a Kiro IDC token without region',
      { provider: 'kiro' },
      { type: 'kiro', authMethod: 'idc', hasClientId: true, hasClientSecret: true },
      'kiro_client_incomplete',
      ['kiro-idc-refresh'],
    ],
    [
      'a Kiro Builder-ID token without client_id',
      { provider: 'kiro' },
      { type: 'kiro', authMethod: 'builder-id', hasClientSecret: true },
      'kiro_client_incomplete',
      ['kiro-idc-refresh'],
    ],
    [
      'status error / unauthorized',
      { status: 'error', statusMessage: 'unauthorized' },
      {},
      'refresh_stopped_unauthorized',
      ['refresh-stopped-unauthorized'],
    ],
    [
      'a status error from quota (cooling down)',
      { status: 'error', statusMessage: 'quota exhausted', unavailable: true },
      {},
      'cooldown',
      ['model-cooldown'],
    ],
    [
      'a suspended account (payment required)',
      { status: 'error', statusMessage: 'payment_required' },
      {},
      'suspended',
      ['auth-unavailable'],
    ],
    [
      'another status error',
      { status: 'error', statusMessage: 'not_found' },
      {},
      'status_error',
      ['auth-unavailable'],
    ],
    ['a disabled credential', { disabled: true, status: 'disabled' }, {}, 'disabled', ['auth-unavailable']],
    [
      'a credential still unavailable past its next_retry_after (stale cooldown)',
      { unavailable: true, statusMessage: 'quota exhausted', nextRetryAfter: '2026-05-01T08:30:00Z' },
      {},
      'stale-cooldown',
      ['model-cooldown'],
    ],
    [
      'a credential cooling down until later',
      { unavailable: true, statusMessage: 'quota exhausted', nextRetryAfter: '2026-05-01T12:00:00Z' },
      {},
      'cooldown',
      ['model-cooldown'],
    ],
    [
      'a credential the proxy is not using (other)',
      { unavailable: true, statusMessage: 'transient upstream error' },
      {},
      'unavailable',
      ['auth-unavailable'],
    ],
  ])('flags %s', (_name, f, t, code, runbook) => {
    const c = assessCredential(file(f), token(t), NOW);
    expect(c.problems.map((p) => p.code)).toEqual([code]);
    expect(c.runbook).toEqual(runbook);
    expect(c.problems[0]?.text.startsWith(code.replace(/_/g, ' '))).toBe(true);
  });

  it('does not ask a Kiro social login for client credentials', () => {
    expect(
      assessCredential(file({ provider: 'kiro' }), token({ type: 'kiro', authMethod: 'social' }), NOW)
        .problems,
    ).toEqual([]);
  });

  it('reports an unreadable token file and keeps facts unknown', () => {
    const c = assessCredential(file(), { error: 'token file unreadable (not_found)' }, NOW);
    expect(c.problems.map((p) => p.code)).toEqual(['token_unreadable']);
    expect(c.expiresAt).toBeUndefined();
    expect(c.hasRefreshToken).toBeUndefined();
  });

  it("takes the newer of the listed and the file's last refresh", () => {
    const c = assessCredential(file({ lastRefresh: '2026-05-01T08:00:00Z' }), token(), NOW);
    expect(c.lastRefresh).toBe('2026-05-01T09:00:00Z');
  });
});

describe('status report', () => {
  const server = { url: 'http://p:8317/v0/management', reachable: true, version: 'dev' };

  it('prints exactly the product.md shape', () => {
    const report = buildStatusReport(
      server,
      [file()],
      new Map([['x.json', token({ expiresAt: '2026-05-01T09:00:00Z' })]]),
      NOW,
    );
    expect(toStatusJson(report)).toEqual({
      server: { url: 'http://p:8317/v0/management', reachable: true, version: 'dev' },
      credentials: [
        {
          name: 'x.json',
          provider: 'claude',
          status: 'active',
          disabled: false,
          expires_at: '2026-05-01T09:00:00Z',
          last_refresh: '2026-05-01T09:00:00Z',
          has_refresh_token: true,
          problems: ['expired: token expired at 2026-05-01T09:00:00Z'],
          runbook: ['token-stays-expired'],
          auth_index: null,
          status_message: null,
          unavailable: false,
          next_retry_after: null,
        },
      ],
    });
    expect(isHealthy(report)).toBe(false);
  });

  it('adds auth_index, status_message, unavailable and next_retry_after for a credential in cooldown', () => {
    const cooling = file({
      authIndex: 'a1b2c3',
      statusMessage: 'quota exhausted',
      unavailable: true,
      nextRetryAfter: '2026-05-01T12:05:00Z',
    });
    const report = buildStatusReport(server, [cooling], new Map([['x.json', token()]]), NOW);
    const [c] = toStatusJson(report).credentials as Record<string, unknown>[];
    expect(c).toMatchObject({
      name: 'x.json',
      status: 'active',
      auth_index: 'a1b2c3',
      status_message: 'quota exhausted',
      unavailable: true,
      next_retry_after: '2026-05-01T12:05:00Z',
      runbook: ['model-cooldown'],
      problems: ['cooldown: quota exhausted — retry after 12:05 UTC, in 2 h'],
    });
  });

  it('uses null for unknown times and versions', () => {
    const report = buildStatusReport(
      { ...server, version: undefined },
      [file({ runtimeOnly: true })],
      new Map(),
      NOW,
    );
    const json = toStatusJson(report) as {
      server: { version: unknown };
      credentials: Array<Record<string, unknown>>;
    };
    expect(json.server.version).toBeNull();
    expect(json.credentials[0]).toMatchObject({
      expires_at: null,
      last_refresh: null,
      has_refresh_token: null,
    });
    expect(isHealthy(report)).toBe(true);
  });

  it('is unhealthy when the server reports an error', () => {
    const report = buildStatusReport(
      { ...server, error: { code: 'unauthorized', message: 'm', runbook: 'refresh-401' } },
      [],
      new Map(),
      NOW,
    );
    expect(isHealthy(report)).toBe(false);
    expect(toStatusJson(report)).toMatchObject({
      server: { error: { code: 'unauthorized', runbook: 'refresh-401' } },
    });
  });
});
