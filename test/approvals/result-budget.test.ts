// The 10 s result budget (domain/actions/budget.ts) over the engine with a fake clock: it starts at the
// approval for a refresh, and when the login is done for a re-login (a person logs in, which takes minutes).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApprovalEngine, createApprovalEngine } from '../../src/approvals/engine.js';
import {
  MIN_VERIFY_MS,
  RESULT_BUDGET_MS,
  resultDeadline,
  verificationDeadline,
} from '../../src/domain/actions/budget.js';
import { parsePolicy } from '../../src/domain/approvals/load-policy.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { FakeClient, RecordingMessenger } from './fakes.js';
import { POLICY_YAML } from './helpers.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function engineWithCanary(): Promise<{
  engine: ApprovalEngine;
  client: FakeClient;
  clock: { t: number };
}> {
  const clock = { t: Date.parse('2026-03-01T10:00:00Z') };
  const now = () => clock.t;
  const client = new FakeClient(now);
  client.add({ name: 'kiro-a.json' });
  store = await openStore(`file:${join(mkdtempSync(join(tmpdir(), 'budget-')), 'bot.sqlite')}`);
  const engine = createApprovalEngine({
    store,
    client,
    messenger: new RecordingMessenger(),
    policy: parsePolicy(POLICY_YAML, 'test-policy.yml'),
    resolveGroupMembers: async () => [],
    logger: pino({ level: 'silent' }),
    now,
    sleep: async (ms) => {
      clock.t += ms;
    },
    canary: { clientKey: 'client-key', model: 'kiro-model' },
    verify: { pollIntervalMs: 1000, timeoutMs: 8000 },
    login: { pollIntervalMs: 5000, timeoutMs: 600_000 },
  });
  return { engine, client, clock };
}

/** Opens a request for `action` on kiro and approves it as Alice; returns the request id. */
async function requestAndApprove(
  engine: ApprovalEngine,
  action: 'refresh' | 'relogin',
  beforeVote: () => void = () => {},
): Promise<string> {
  const created = await engine.requestAction({
    userId: 'U0REQ',
    channel: 'C0INC',
    action,
    provider: 'kiro',
    credential: undefined,
  });
  if (!created.ok) throw new Error(created.reason);
  beforeVote();
  await engine.vote({
    requestId: created.request.id,
    userId: 'U0ALICE',
    channel: 'C0INC',
    decision: 'approve',
  });
  await engine.drain();
  return created.request.id;
}

describe('result budget', () => {
  it('gives a re-login its verification and canary after the login, however long the login took', async () => {
    const { engine, client, clock } = await engineWithCanary();
    // the person takes a minute to log in: 12 polls of 5 s
    client.loginStatuses = [
      ...Array.from({ length: 12 }, () => ({ status: 'wait' as const })),
      { status: 'ok' },
    ];
    let started = 0;
    const id = await requestAndApprove(engine, 'relogin', () => {
      started = clock.t;
    });
    expect(clock.t - started).toBeGreaterThanOrEqual(60_000);
    expect(client.count('canary')).toBe(1);
    const done = await store?.getRequest(id);
    expect(done?.state).toBe('verified');
    expect(JSON.stringify(done?.result)).not.toContain('not finished in time');
  });
});

describe('a late verification', () => {
  it('still reads the proxy and sends the canary when the vote itself outlasted the budget', async () => {
    const { engine, client, clock } = await engineWithCanary();
    // the vote's re-read of the target takes 9 s (a slow proxy): the 8 s from the click are gone
    const id = await requestAndApprove(engine, 'refresh', () => {
      const list = client.listAuthFiles.bind(client);
      let slow = true;
      client.listAuthFiles = async () => {
        if (slow) {
          slow = false;
          clock.t += 9_000;
        }
        return list();
      };
    });
    const done = await store?.getRequest(id);
    expect(JSON.stringify(done?.result)).not.toContain('not finished in time');
    expect(done?.state).toBe('verified');
    expect(client.count('canary')).toBe(1);
  });
});

describe('resultDeadline', () => {
  const T = Date.parse('2026-03-01T10:00:00Z');
  it('counts the budget from the approving click, not from when the execution starts', () => {
    // the vote's target re-read took 900 ms: the execution has 900 ms less
    expect(resultDeadline(T, T + 900)).toBe(T + RESULT_BUDGET_MS);
  });
  it('a verification that starts past the deadline still gets its minimum', () => {
    expect(resultDeadline(T, T + 20_000)).toBe(T + RESULT_BUDGET_MS);
    expect(verificationDeadline(T + RESULT_BUDGET_MS, T + 20_000)).toBe(T + 20_000 + MIN_VERIFY_MS);
    expect(verificationDeadline(T + RESULT_BUDGET_MS, T + 1000)).toBe(T + RESULT_BUDGET_MS);
    expect(verificationDeadline(undefined, T)).toBeUndefined();
  });
  it('starts from now without an approval time, and never from a time after now', () => {
    expect(resultDeadline(null, T)).toBe(T + RESULT_BUDGET_MS);
    expect(resultDeadline(T + 5000, T)).toBe(T + RESULT_BUDGET_MS);
  });
});
