// A REAL cooldown on the real CLIProxyAPI server (v7.2.140), reset through the bot end to end.
// How the cooldown is made: an xAI credential file whose base_url points at a local upstream that answers
// every request 429; two chat requests through the proxy make the server mark the credential
// unavailable with a next_retry_after (and it stays unavailable after that time passes: a stuck
// cooldown). The model is routed once the server has loaded the file; the test waits for that. Then /auth-why 429 model_cooldown → Request fix → approve as someone else → one
// reset-quota call → Verified, with the models the server says it cleared.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthFile } from '../../src/cliproxy/types.js';
import { credentialConditions } from '../../src/domain/credential-state.js';
import { blocksText, buttonsOf, click, threadFor, updateFor, type World } from '../approvals/e2e-helpers.js';
import { type Harness, startHarness } from '../e2e/harness.js';
import { type RealServer, startRealServer } from '../setup/real-server.js';

const POLICY = `
channels: [C0INCIDENT]
approvers: { users: [U0ALICE, U0BOB, U0REQ] }
`;
const MODEL = 'grok-4.6';

let upstream: Server;
let server: RealServer;
let h: Harness;
let w: World;

async function listed(name: string): Promise<Record<string, unknown> | undefined> {
  const res = await fetch(`${server.url}/v0/management/auth-files`, {
    headers: { authorization: `Bearer ${server.managementKey}` },
  });
  return ((await res.json()) as { files: Record<string, unknown>[] }).files.find((f) => f.name === name);
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3600' });
      res.end(
        JSON.stringify({
          error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'quota exceeded' },
        }),
      );
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as AddressInfo).port;
  server = await startRealServer({
    authFiles: {
      'xai-cooling.json': {
        type: 'xai',
        access_token: 'xai-contract-access',
        refresh_token: 'xai-contract-refresh',
        expired: new Date(Date.now() + 6 * 3_600_000).toISOString(),
        base_url: `http://127.0.0.1:${port}/v1`,
        email: 'xai@example.com',
      },
    },
  });
  // the server loads auth files after it starts answering: wait until it routes the model
  for (let i = 0; ; i++) {
    const res = await fetch(`${server.url}/v1/models`, {
      headers: { authorization: `Bearer ${server.clientKey}` },
    });
    if ((await res.text()).includes(`"${MODEL}"`)) break;
    if (i > 100) throw new Error(`the real server never listed ${MODEL}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // requests through the proxy reach the 429 upstream until the server cools the credential down
  for (let i = 0; (await listed('xai-cooling.json'))?.unavailable !== true; i++) {
    if (i >= 5) throw new Error(`no cooldown after ${i} requests:\n${server.logs().slice(-1500)}`);
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.clientKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'ping' }], stream: false }),
    });
    expect(res.status).toBe(429);
    await res.text();
  }
  h = await startHarness({
    policy: POLICY,
    env: { CLIPROXY_URL: server.url, CLIPROXY_MANAGEMENT_KEY: server.managementKey },
  });
  w = {
    h,
    proxy: undefined as never,
    secrets: ['xai-contract-access', 'xai-contract-refresh'],
    close: async () => undefined,
  };
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await server?.close();
  await new Promise((r) => upstream?.close(r));
});

describe('a real cooldown on the real server', () => {
  it('is listed unavailable with a next_retry_after, and the bot calls it a cooldown linked to model-cooldown', async () => {
    const f = await listed('xai-cooling.json');
    expect(f).toMatchObject({ unavailable: true });
    expect(typeof f?.next_retry_after).toBe('string');
    const [file] = (await h.bot.proxy.listAuthFiles()).filter(
      (x) => x.name === 'xai-cooling.json',
    ) as AuthFile[];
    const found = credentialConditions(file!, { now: Date.now(), staleCooldownMs: 6 * 3_600_000 });
    expect(found.map((c) => [c.runbook, c.action])).toEqual([['model-cooldown', 'reset-cooldown']]);
    expect(['cooldown', 'stale-cooldown']).toContain(found[0]?.condition);

    await h.command('/auth-status', '', { user: 'U0REQ', responseUrl: h.slack.responseUrl('status') });
    const status = await h.slack.waitFor(
      (c) => c.method === 'response_url' && c.args.id === 'status',
      10_000,
    );
    type B = { accessory?: { value: string; text: { text: string } } };
    const fix = (status.args.blocks as B[]).find((b) => b.accessory)?.accessory;
    expect(fix).toMatchObject({ value: 'xai-cooling.json', text: { text: 'Request fix' } });
    expect(JSON.stringify(status.args.blocks)).toMatch(/(stale-)?cooldown: quota exceeded — /);
  });

  it('is reset through /auth-why → Request fix → approval: one reset-quota call, models named, Verified', async () => {
    await h.command('/auth-why', '429 model_cooldown', {
      user: 'U0REQ',
      responseUrl: h.slack.responseUrl('why'),
    });
    const why = await h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'why', 10_000);
    const fix = buttonsOf(why).find((b) => b.actionId === 'fix_request:model-cooldown');
    await h.click(fix?.actionId ?? '', fix?.value ?? '', { user: 'U0REQ', channel: 'C0INCIDENT' });
    const request = await h.slack.waitFor(
      (c) => c.method === 'chat.postMessage' && buttonsOf(c).some((b) => b.actionId === 'approve'),
      10_000,
    );
    expect(blocksText(request)).toContain('Reset cooldown: xai-cooling.json');
    expect(blocksText(request)).toContain('v7.2.140');
    // the server keeps the upstream's error body as status_message; people read its message
    expect(blocksText(request)).toContain('*Cooldown:* quota exceeded — ');
    expect(blocksText(request)).not.toContain('rate_limit_error');
    const id = buttonsOf(request).find((b) => b.actionId === 'approve')!.value;
    await click(w, 'approve', id, 'U0ALICE');
    await updateFor(w, 'Verified', 15_000);
    expect(blocksText(await threadFor(w, 'model(s) cleared'))).toContain(MODEL);
    expect(server.requestLog('/v0/management/reset-quota').length).toBe(2); // the probe ({}), then the reset
    const after = await listed('xai-cooling.json');
    expect(after?.unavailable).toBe(false);
    expect(after?.next_retry_after).toBeUndefined();
    const all = JSON.stringify(h.slack.calls.map((c) => c.args)) + h.logs();
    for (const s of w.secrets) expect(all).not.toContain(s);
  }, 30_000);
});
