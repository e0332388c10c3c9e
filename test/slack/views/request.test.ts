import { describe, expect, it } from 'vitest';
import { renderAudit } from '../../../src/slack/views/audit.js';
import { findBlockKitViolations } from '../../../src/slack/views/limits.js';
import { renderRequest } from '../../../src/slack/views/request.js';
import { renderAlternatives, renderLoginPrompt } from '../../../src/slack/views/request-thread.js';
import type { ApprovalRequest, RequestState } from '../../../src/store/types.js';

const T = Date.parse('2026-03-01T10:00:00Z');
const states = Array.from({ length: 40 }, (_, i) => ({
  name: `kiro-${i}-${'x'.repeat(150)}.json`,
  provider: 'kiro',
  status: 'error',
  statusMessage: 'unauthorized',
  disabled: false,
  expiresAt: '2026-03-01T09:00:00Z',
  lastRefresh: '2026-03-01T08:00:00Z',
}));

function request(state: RequestState, result: Record<string, unknown> | null = null): ApprovalRequest {
  return {
    id: 'req-abc',
    action: 'refresh',
    target: 'provider:kiro',
    params: {
      provider: 'kiro',
      credential: null,
      method: 'seed',
      credentials: [],
      states,
      serverVersion: 'dev',
      plan: 'call the route',
    },
    requester: 'U0REQ',
    channel: 'C0INC',
    messageTs: '1.1',
    state,
    approvalsRequired: 1,
    fingerprint: 'fp',
    createdAt: T,
    expiresAt: T + 900_000,
    updatedAt: T,
    decidedBy: state === 'pending' ? null : 'U0ALICE',
    decidedAt: state === 'pending' ? null : T + 1000,
    result,
  };
}

const buttons = (blocks: Record<string, unknown>[]) =>
  blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements as { text: { text: string }; action_id: string }[]);

describe('the request message', () => {
  it('shows Approve and Deny while pending, within Block Kit limits even with many credentials', () => {
    const m = renderRequest(request('pending'));
    expect(findBlockKitViolations(m.blocks)).toEqual([]);
    expect(buttons(m.blocks).map((b) => [b.text.text, b.action_id])).toEqual([
      ['Approve', 'approve'],
      ['Deny', 'deny'],
    ]);
    const text = JSON.stringify(m.blocks);
    for (const words of ['<@U0REQ>', 'dev', 'call the route', 'Approvals needed', 'Expires', 'unauthorized'])
      expect(text).toContain(words);
    expect(text).toMatch(/…and \d+ more/);
  });

  it.each<RequestState>([
    'approved',
    'denied',
    'expired',
    'stale',
    'running',
    'verified',
    'failed',
    'interrupted',
  ])('has no buttons once %s', (state) => {
    const m = renderRequest(
      request(state, {
        reason: 'r',
        checks: [{ name: 'c', ok: false, detail: 'd', runbook: 'token-stays-expired' }],
      }),
    );
    expect(buttons(m.blocks)).toEqual([]);
    expect(findBlockKitViolations(m.blocks)).toEqual([]);
  });

  it('reads Verified or Verification failed at the end', () => {
    expect(JSON.stringify(renderRequest(request('verified', { verification: true })).blocks)).toContain(
      'Verified',
    );
    const failed = JSON.stringify(
      renderRequest(request('failed', { verification: true, runbook: 'token-stays-expired' })).blocks,
    );
    expect(failed).toContain('Verification failed');
    expect(failed).toContain('token-stays-expired');
    expect(JSON.stringify(renderRequest(request('failed', { reason: 'boom' })).blocks)).toContain('*Failed*');
  });

  it('keeps a 10k-character server build and credential name within Block Kit limits', () => {
    const long = request('pending');
    const name = `kiro-${'n'.repeat(10_000)}.json`;
    long.params = {
      ...long.params,
      credential: name,
      serverVersion: `v${'9'.repeat(10_000)}`,
      states: [{ ...states[0], name }],
    };
    const m = renderRequest(long);
    expect(findBlockKitViolations(m.blocks)).toEqual([]);
    expect(JSON.stringify(m.blocks)).toContain('*Server build*\\nv999');
  });

  it('renders alternatives, login prompts and the audit list within limits', () => {
    const alt = renderAlternatives('req-abc', 'dev', 'kiro', [
      { kind: 'relogin', label: 'Request re-login (kiro)', description: 'd', credentials: [] },
      { kind: 'reenable', label: 'Request re-enable (1)', description: 'd', credentials: ['a.json'] },
    ]);
    expect(findBlockKitViolations(alt.blocks)).toEqual([]);
    expect(JSON.stringify(alt.blocks)).toContain('no management refresh route');
    expect(buttons(alt.blocks).map((b) => b.action_id)).toEqual(['offer:relogin', 'offer:reenable']);
    expect(findBlockKitViolations(renderLoginPrompt('kiro', 'U0A', 'https://x', 'ABCD').blocks)).toEqual([]);
    const rows = Array.from({ length: 30 }, (_, i) => ({
      id: `req-${i}`,
      action: 'refresh',
      target: 'provider:kiro',
      provider: 'kiro',
      credential: null,
      requester: 'U0REQ',
      channel: 'C0INC',
      state: 'failed',
      created_at: '2026-03-01T10:00:00Z',
      decided_by: 'U0A',
      decided_at: null,
      approvals: ['U0A'],
      denials: [],
      outcome: 'y'.repeat(400),
      runbook: 'token-stays-expired',
    }));
    expect(findBlockKitViolations(renderAudit(rows).blocks)).toEqual([]);
  });
});
