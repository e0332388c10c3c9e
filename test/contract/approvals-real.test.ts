// The approval flow against the real CLIProxyAPI server: the seed's refresh route is missing on this
// build, the bot says so and offers what the build supports; re-enabling a disabled credential through
// an approved request really flips it on the server and verifies.
import { afterAll, describe, expect, it } from 'vitest';
import { blocksText, buttonsOf, click, threadFor, updateFor, type World } from '../approvals/e2e-helpers.js';
import { type Harness, startHarness } from '../e2e/harness.js';
import { beforeAllLoudly, type RealServer, startRealServer } from '../setup/real-server.js';

const POLICY = `
channels: [C0INCIDENT]
approvers: { users: [U0ALICE, U0BOB] }
`;

let server: RealServer;
let h: Harness;
let w: World;

async function authFile(name: string): Promise<Record<string, unknown> | undefined> {
  const res = await fetch(`${server.url}/v0/management/auth-files`, {
    headers: { authorization: `Bearer ${server.managementKey}` },
  });
  const body = (await res.json()) as { files: Record<string, unknown>[] };
  return body.files.find((f) => f.name === name);
}

beforeAllLoudly(async () => {
  server = await startRealServer();
  const res = await fetch(`${server.url}/v0/management/auth-files/status`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${server.managementKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'iflow-user.json', disabled: true }),
  });
  expect(res.status).toBe(200);
  h = await startHarness({
    policy: POLICY,
    env: { CLIPROXY_URL: server.url, CLIPROXY_MANAGEMENT_KEY: server.managementKey },
  });
  w = { h, proxy: undefined as never, secrets: [], close: async () => undefined };
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await server?.close();
});

describe('approvals against the real CLIProxyAPI server', () => {
  it('reports the missing refresh route with the build, then re-enables a disabled credential once approved', async () => {
    expect((await authFile('iflow-user.json'))?.disabled).toBe(true);
    await h.command('/auth-refresh', 'iflow', { user: 'U0REQ', channel: 'C0INCIDENT' });
    const request = await h.slack.waitFor(
      (c) => c.method === 'chat.postMessage' && buttonsOf(c).some((b) => b.actionId === 'approve'),
      10_000,
    );
    const id = buttonsOf(request).find((b) => b.actionId === 'approve')!.value;
    await click(w, 'approve', id, 'U0ALICE');

    const offer = await threadFor(w, 'no management refresh route', 15_000);
    expect(blocksText(offer)).toContain('v7.2.140');
    expect(blocksText(await updateFor(w, '*Failed*'))).not.toContain('`refresh-404`');
    const reenable = buttonsOf(offer).find((b) => b.actionId === 'offer:reenable');
    expect(reenable, blocksText(offer)).toBeDefined();

    await click(w, 'offer:reenable', reenable!.value, 'U0REQ');
    const second = await h.slack.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        !c.args.thread_ts &&
        buttonsOf(c).some((b) => b.actionId === 'approve' && b.value !== id),
      10_000,
    );
    const secondId = buttonsOf(second).find((b) => b.actionId === 'approve')!.value;
    await click(w, 'approve', secondId, 'U0BOB');
    await h.slack.waitFor(
      (c) => c.method === 'chat.update' && blocksText(c).includes(secondId) && /Verified/.test(blocksText(c)),
      20_000,
    );
    expect((await authFile('iflow-user.json'))?.disabled).toBe(false);
  }, 60_000);
});
