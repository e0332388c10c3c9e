import { describe, expect, it } from 'vitest';
import type { CredentialStatus, StatusReport } from '../../../src/domain/status.js';
import { findBlockKitViolations } from '../../../src/slack/views/limits.js';
import { statusErrorView, statusView } from '../../../src/slack/views/status.js';

const server = { url: 'http://127.0.0.1:8317', reachable: true, version: 'v7.2.140' };

function cred(i: number, problem: boolean): CredentialStatus {
  return {
    name: `kiro-user-${i}-${'x'.repeat(i % 7 === 0 ? 150 : 5)}@example.com.json`,
    provider: i % 2 ? 'kiro' : 'iflow',
    status: problem ? 'error' : 'active',
    disabled: false,
    expiresAt: '2026-05-01T10:00:00Z',
    lastRefresh: undefined,
    hasRefreshToken: true,
    problems: problem
      ? [
          {
            code: 'expired',
            text: 'expired: token expired at 2026-05-01T10:00:00Z <b>&',
            runbook: ['token-stays-expired'],
          },
          {
            code: 'kiro_client_incomplete',
            text: 'kiro client incomplete: lacks client_secret',
            runbook: ['kiro-idc-refresh'],
          },
        ]
      : [],
    runbook: problem ? ['token-stays-expired', 'kiro-idc-refresh'] : [],
  };
}

const texts = (blocks: unknown[]) => JSON.stringify(blocks);

describe('statusView', () => {
  it('shows the server, the problem credentials with their rows and a check button per row', () => {
    const report: StatusReport = { server, credentials: [cred(1, true), cred(2, false)] };
    const view = statusView(report);
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
    expect(texts(view.blocks)).toContain('build `v7.2.140`');
    expect(texts(view.blocks)).toContain('kiro-user-1');
    expect(texts(view.blocks)).toContain('`kiro-idc-refresh`');
    expect(texts(view.blocks)).toContain('&lt;b&gt;&amp;');
    expect(texts(view.blocks)).toContain('1 healthy');
    const actions = view.blocks.find((b) => b.type === 'actions') as {
      elements: Array<{ action_id: string; value: string }>;
    };
    expect(actions.elements.map((e) => e.action_id)).toEqual([
      'check_run:token-stays-expired',
      'check_run:kiro-idc-refresh',
    ]);
    expect(view.text).toBe('Proxy status: 2 credential(s), 1 with problems.');
  });

  it.each([100, 250, 1000])(
    'stays within Block Kit limits with %i credentials and says how many were left out',
    (n) => {
      const credentials = Array.from({ length: n }, (_, i) => cred(i, i % 3 !== 0));
      const view = statusView({ server, credentials }, { provider: 'kiro' });
      expect(findBlockKitViolations(view.blocks)).toEqual([]);
      const bad = credentials.filter((c) => c.problems.length > 0).length;
      const shown = credentials.filter(
        (c) => c.problems.length > 0 && texts(view.blocks).includes(`kiro-user-${c.name.split('-')[2]}-`),
      ).length;
      const match = /and (\d+) more credential\(s\) with problems not shown/.exec(texts(view.blocks));
      expect(match).not.toBeNull();
      expect(Number(match?.[1])).toBe(bad - shown);
      expect(texts(view.blocks)).toContain('auth-bot status kiro --json');
    },
  );

  it('shows the server error with its runbook row and hint', () => {
    const view = statusView({
      server: {
        ...server,
        error: {
          code: 'unauthorized',
          message: 'The management API answered 401',
          runbook: 'refresh-401',
          hint: 'Set CLIPROXY_MANAGEMENT_KEY',
        },
      },
      credentials: [],
    });
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
    expect(texts(view.blocks)).toContain('refresh-401');
    expect(texts(view.blocks)).toContain('CLIPROXY_MANAGEMENT_KEY');
  });

  it('renders an error view that fits', () => {
    const view = statusErrorView({
      code: 'timeout',
      message: 'x'.repeat(10_000),
      runbook: undefined,
      hint: 'h',
    });
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
  });
});
