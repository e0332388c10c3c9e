// /auth-status with cooldowns and suspensions: every credential's state in words, Request fix where the
// cooldown can be reset, and Slack's limits with 1,000 credentials.
import { describe, expect, it } from 'vitest';
import type { AuthFile } from '../../../src/cliproxy/types.js';
import { assessCredential, type StatusReport } from '../../../src/domain/status.js';
import { findBlockKitViolations } from '../../../src/slack/views/limits.js';
import { statusView } from '../../../src/slack/views/status.js';

const NOW = Date.parse('2026-05-01T12:05:00Z');
const server = { url: 'http://127.0.0.1:8317', reachable: true, version: 'v7.2.140' };
const H = 3_600_000;

const file = (name: string, over: Partial<AuthFile> = {}): AuthFile => ({
  name,
  provider: 'claude',
  type: 'claude',
  label: undefined,
  email: undefined,
  status: 'active',
  statusMessage: undefined,
  disabled: false,
  unavailable: false,
  runtimeOnly: false,
  lastRefresh: new Date(NOW - 20 * 60_000).toISOString(),
  nextRetryAfter: undefined,
  authIndex: `i-${name}`,
  ...over,
});
const token = (name: string) => ({
  name,
  type: 'claude',
  expiresAt: new Date(NOW + 3 * H).toISOString(),
  lastRefresh: new Date(NOW - 20 * 60_000).toISOString(),
  hasRefreshToken: true,
  authMethod: undefined,
  region: undefined,
  hasClientId: false,
  hasClientSecret: false,
  email: undefined,
});
const cooling = (name: string) =>
  file(name, {
    status: 'error',
    statusMessage: 'quota exhausted',
    unavailable: true,
    nextRetryAfter: '2026-05-01T14:05:00Z',
  });
const suspended = (name: string) =>
  file(name, { status: 'error', statusMessage: 'payment_required', unavailable: true });

function report(files: AuthFile[]): StatusReport {
  return { server, credentials: files.map((f) => assessCredential(f, token(f.name), NOW)) };
}

type Block = {
  type: string;
  text?: { text: string };
  accessory?: { action_id: string; value: string; text: { text: string } };
};

describe('statusView with cooldowns', () => {
  it('shows every credential in words, with time to expiry, last refresh, rows and the fix', () => {
    const view = statusView(report([cooling('c1.json'), suspended('s1.json'), file('ok.json')]), {
      readAt: NOW,
      rowActions: { 'model-cooldown': 'reset-cooldown' },
    });
    const text = JSON.stringify(view.blocks);
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
    expect(text).toContain('quota exhausted — retry after 14:05 UTC, in 2 h');
    expect(text).toContain('expires in 3 h (15:05 UTC)');
    expect(text).toContain('last refresh 20 min ago');
    expect(text).toContain('`model-cooldown`');
    expect(text).toContain('fix: reset-cooldown');
    expect(text).toContain('needs a human');
    expect(text).toContain('ok.json');
    expect(text).toContain('active · expires in 3 h');
    const accessories = (view.blocks as Block[]).filter((b) => b.accessory).map((b) => b.accessory);
    expect(accessories).toEqual([
      expect.objectContaining({
        action_id: 'reset_cooldown:0',
        value: 'c1.json',
        text: expect.objectContaining({ text: 'Request fix' }),
      }),
    ]);
    // the summary comes before any credential
    expect((view.blocks[2] as { type: string }).type).toBe('context');
    expect(text.indexOf('3 credential(s)')).toBeLessThan(text.indexOf('c1.json'));
  });

  it('offers Request fix once per row for the other fixes (e.g. relogin of an expired token)', () => {
    const expired = { ...token('e.json'), expiresAt: new Date(NOW - H).toISOString() };
    const r: StatusReport = { server, credentials: [assessCredential(file('e.json'), expired, NOW)] };
    const view = statusView(r, { readAt: NOW, rowActions: { 'token-stays-expired': 'relogin' } });
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain('expired 60 min ago (11:05 UTC)');
    const actions = view.blocks.find((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string }[];
    };
    expect(actions.elements.map((e) => [e.action_id, e.value])).toEqual([
      ['check_run:token-stays-expired', 'token-stays-expired'],
      ['fix_request:token-stays-expired', 'token-stays-expired'],
    ]);
  });

  it('stays within Block Kit limits with 1,000 credentials: summary, unhealthy listed, healthy counted per provider', () => {
    const files = Array.from({ length: 1000 }, (_, i) => {
      const name = `cred-${i}-${'n'.repeat(i % 9 === 0 ? 180 : 4)}.json`;
      const f = i % 10 === 0 ? cooling(name) : i % 25 === 1 ? suspended(name) : file(name);
      return { ...f, provider: i % 3 === 0 ? 'kiro' : 'claude' };
    });
    const view = statusView(report(files), {
      readAt: NOW,
      rowActions: { 'model-cooldown': 'reset-cooldown' },
    });
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
    const text = JSON.stringify(view.blocks);
    const healthy = files.length - 100 - 40;
    expect(text).toContain(`1000 credential(s): 140 with problems, ${healthy} healthy`);
    expect(text).toMatch(new RegExp(`${healthy} healthy:\\*? claude \\d+, kiro \\d+`));
    expect(text).toMatch(/and \d+ more credential\(s\) with problems not shown/);
    const buttons = (view.blocks as Block[]).filter((b) => b.accessory);
    expect(buttons.length).toBe(10);
    expect(new Set(buttons.map((b) => b.accessory?.action_id)).size).toBe(10);
  });
});
