// /healthz, /readyz and /metrics of the running bot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askRefresh, click, startWorld, updateFor } from '../approvals/e2e-helpers.js';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, startFakeProxy } from '../fakes/fake-proxy.js';
import { type Harness, startHarness } from './harness.js';

let proxy: FakeProxy;
let h: Harness;

beforeAll(async () => {
  proxy = await startFakeProxy();
  h = await startHarness({
    env: { CLIPROXY_URL: proxy.url, CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY },
  });
});
afterAll(async () => {
  await h.stop();
  await proxy.close();
});

describe('health and metrics', () => {
  it('answers /healthz with 200 while the process is alive', async () => {
    const res = await fetch(`${h.bot.url}/healthz`);
    expect(res.status).toBe(200);
  });

  it('is ready when the store and the management API answer', async () => {
    const res = await fetch(`${h.bot.url}/readyz`);
    const body = (await res.json()) as { checks: { name: string; ok: boolean }[] };
    expect(res.status).toBe(200);
    expect(body.checks.map((c) => [c.name, c.ok])).toEqual([
      ['store', true],
      ['proxy', true],
    ]);
  });

  it('says which dependency is not ready when the proxy is down', async () => {
    const down = await startHarness({
      env: { CLIPROXY_URL: 'http://127.0.0.1:9', CLIPROXY_MANAGEMENT_KEY: 'k' },
    });
    try {
      const res = await fetch(`${down.bot.url}/readyz`);
      expect(res.status).toBe(503);
      // which dependency failed, and no internal error text (addresses, error codes, messages)
      expect(await res.json()).toEqual({
        status: 'not ready',
        checks: [
          { name: 'store', ok: true },
          { name: 'proxy', ok: false },
        ],
      });
    } finally {
      await down.stop();
    }
  });

  it('counts commands by name and outcome in Prometheus format', async () => {
    const responseUrl = h.slack.responseUrl('metrics-why');
    await h.command('/auth-why', '401', { responseUrl });
    await h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'metrics-why');
    const res = await fetch(`${h.bot.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/authbot_commands_total\{name="\/auth-why",outcome="ok"\} [1-9]/);
    expect(text).toContain('# TYPE authbot_proxy_call_duration_seconds histogram');
    expect(text).toContain('# TYPE authbot_slack_rate_limited_total counter');
    expect(text).toMatch(
      /authbot_proxy_call_duration_seconds_count\{route="\/v0\/management\/config(\.yaml)?",status="200"\} [1-9]/,
    );
  });

  it('keeps a flood of /readyz from reaching the proxy while an approved refresh runs', async () => {
    const w = await startWorld();
    try {
      const { id } = await askRefresh(w);
      const configReadsBefore = w.proxy.callsTo('/v0/management/config', 'GET').length;
      const flood = Array.from({ length: 150 }, () => fetch(`${w.h.bot.url}/readyz`).then((r) => r.status));
      const started = Date.now();
      await click(w, 'approve', id, 'U0ALICE');
      await updateFor(w, 'Verified');
      const tookMs = Date.now() - started;
      const statuses = await Promise.all(flood);
      expect(statuses.every((s) => s === 200)).toBe(true);
      // 150 unauthenticated calls cost at most one proxy probe (answers are shared and reused)
      const probeReads = w.proxy.callsTo('/v0/management/config', 'GET').length - configReadsBefore;
      expect(probeReads).toBeLessThanOrEqual(1);
      expect(tookMs).toBeLessThan(10_000);
    } finally {
      await w.close();
    }
  });

  it('counts requests by state, executions and verifications after an approved refresh', async () => {
    const w = await startWorld();
    try {
      const { id } = await askRefresh(w);
      w.h.slack.failNext('chat.postEphemeral', { error: 'user_not_in_channel' });
      await click(w, 'approve', id, 'U0REQ'); // self-approval: refused, and the ephemeral refusal fails
      await w.h.slack.waitFor((c) => c.method === 'chat.postEphemeral');
      w.h.slack.failNext('chat.update', { status: 429, retryAfter: 1 });
      await click(w, 'approve', id, 'U0ALICE');
      await updateFor(w, 'Verified');
      const text = await (await fetch(`${w.h.bot.url}/metrics`)).text();
      for (const state of ['pending', 'approved', 'running', 'verified']) {
        expect(text).toContain(`authbot_requests_total{action="refresh",state="${state}"} 1`);
      }
      expect(text).toContain('authbot_executions_total{action="refresh",outcome="verified"} 1');
      expect(text).toContain('authbot_verifications_total{action="refresh",outcome="passed"} 1');
      expect(text).toMatch(/authbot_commands_total\{name="approve",outcome="ok"\} 2/);
      expect(text).toContain(
        'authbot_slack_api_errors_total{method="chat.postEphemeral",error="user_not_in_channel"} 1',
      );
      expect(text).toMatch(/authbot_slack_rate_limited_total\{method="chat.update"\} [1-9]/);
    } finally {
      await w.close();
    }
  });
});
