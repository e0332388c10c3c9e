import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { openStore } from '../../src/store/open.js';

function sink() {
  let text = '';
  const stream = new Writable({
    write(c, _e, cb) {
      text += c.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

describe('auth-bot audit', () => {
  it('lists recent requests with who approved and the outcome, and one request trail', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-audit-')), 'bot.sqlite');
    const store = await openStore(`file:${file}`);
    const t = Date.parse('2026-03-01T10:00:00Z');
    await store.createRequest({
      id: 'req-1',
      action: 'refresh',
      target: 'provider:kiro',
      params: { provider: 'kiro', credential: null, credentials: ['kiro-a.json'], states: [], plan: 'x' },
      requester: 'U0REQ',
      channel: 'C0INC',
      state: 'pending',
      approvalsRequired: 1,
      fingerprint: 'fp',
      createdAt: t,
      expiresAt: t + 60_000,
    });
    await store.castVote({ requestId: 'req-1', userId: 'U0ALICE', decision: 'approve', at: t + 1 });
    await store.transition('req-1', ['pending'], 'approved', t + 2, {
      decidedBy: 'U0ALICE',
      decidedAt: t + 2,
    });
    await store.transition('req-1', ['approved'], 'failed', t + 3, {
      result: { outcome: 'Refresh answered 200', verification: true, runbook: 'token-stays-expired' },
    });
    await store.appendAudit({
      correlationId: 'req-1',
      at: t,
      kind: 'request.created',
      actor: 'U0REQ',
      data: {},
    });
    await store.close();
    const env = { AUTHBOT_DATABASE_URL: `file:${file}` };

    const out = sink();
    const err = sink();
    expect(await runCli(['audit', '--json'], { env, stdout: out.stream, stderr: err.stream })).toBe(0);
    const json = JSON.parse(out.text());
    expect(json.requests[0]).toMatchObject({
      id: 'req-1',
      action: 'refresh',
      state: 'failed',
      requester: 'U0REQ',
      approvals: ['U0ALICE'],
      runbook: 'token-stays-expired',
      created_at: '2026-03-01T10:00:00Z',
    });

    const text = sink();
    expect(await runCli(['audit'], { env, stdout: text.stream, stderr: err.stream })).toBe(0);
    expect(text.text()).toContain('req-1');
    expect(text.text()).toContain('token-stays-expired');

    const trail = sink();
    expect(
      await runCli(['audit', 'req-1', '--json'], { env, stdout: trail.stream, stderr: err.stream }),
    ).toBe(0);
    expect(JSON.parse(trail.text()).events[0].kind).toBe('request.created');
    expect(await runCli(['audit', '--bogus'], { env, stdout: trail.stream, stderr: err.stream })).toBe(2);
  });
});
