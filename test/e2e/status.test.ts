// /auth-status end to end over HTTP: answers from the proxy, and answers in time when the proxy hangs.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';
import { type Harness, startHarness } from './harness.js';

let proxy: FakeProxy;
let h: Harness;
afterEach(async () => {
  await h?.stop();
  await proxy?.close();
});

async function start(): Promise<void> {
  proxy = await startFakeProxy({ version: 'v6.9.3-0', files: [kiroIdcFile({ clientSecret: false }).file] });
  h = await startHarness({
    env: { CLIPROXY_URL: proxy.url, CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY },
  });
}

describe('/auth-status over HTTP', () => {
  it('acks at once and answers with each credential, its problems and their runbook rows', async () => {
    await start();
    const started = Date.now();
    const res = await h.command('/auth-status', 'kiro', { responseUrl: h.slack.responseUrl('status-1') });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    const reply = await h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'status-1');
    const text = JSON.stringify(reply.args.blocks);
    expect(reply.args.response_type).toBe('ephemeral');
    for (const words of ['kiro', 'v6.9.3-0', 'client_secret', 'kiro-idc-refresh'])
      expect(text).toContain(words);
  });

  it('answers within 10 s with what went wrong when the proxy hangs', async () => {
    await start();
    await proxy.setFault({ kind: 'hang', scope: 'all' });
    const started = Date.now();
    const res = await h.command('/auth-status', '', { responseUrl: h.slack.responseUrl('status-hang') });
    expect(res.status).toBe(200);
    const reply = await h.slack.waitFor(
      (c) => c.method === 'response_url' && c.args.id === 'status-hang',
      12_000,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(String(reply.args.text)).toMatch(/did not answer|took longer|timed out/i);
  }, 20_000);
});
