// A proxy (or whatever answers in front of it) that puts Slack markup in its error bodies: the real bot over
// HTTP, the fake Slack and the fake proxy. Nothing the bot posts may carry a live broadcast mention or a
// labelled link from such a body: not the request message, a thread reply, an ephemeral or a response_url answer.
import { afterEach, describe, expect, it } from 'vitest';
import {
  askRefresh,
  click,
  ephemeralFor,
  startWorld,
  threadFor,
  updateFor,
  type World,
} from '../approvals/e2e-helpers.js';

let w: World;
afterEach(async () => {
  await w?.close();
});

const HOSTILE = 'upstream failed <!channel> see <https://evil.example|the runbook> & <@U0ALICE>';
const BODIES: [string, unknown][] = [
  ['a JSON error body', { error: 'bad gateway', message: HOSTILE }],
  ['a plain-text body', `502 Bad Gateway: ${HOSTILE}`],
];

/** Everything the bot sent to Slack (Web API calls and response_url posts), plus any ack bodies. */
function everythingPosted(extra: string[] = []): string {
  const calls = w.h.slack.calls.filter((c) => c.method !== 'auth.test').map((c) => c.args);
  return JSON.stringify(calls) + extra.join('\n');
}

function expectNothingLive(posted: string): void {
  expect(posted).not.toContain('<!channel>');
  expect(posted).not.toContain('<https://evil.example');
  expect(posted).not.toContain('& <@U0ALICE>'); // the body's mention stays text (the bot's own mentions are live)
  expect(posted).not.toMatch(/<https?:\/\/evil/);
  // the body was shown, escaped: it shows as text and pings or links nothing
  expect(posted).toContain('&lt;!channel&gt;');
  expect(posted).toContain('&lt;https://evil.example|the runbook&gt;');
}

describe('proxy text with Slack markup', () => {
  it.each(BODIES)(
    'escapes %s from a failed refresh in the thread and the request message',
    async (_n, body) => {
      w = await startWorld();
      const { id } = await askRefresh(w);
      await w.proxy.setFault({
        kind: 'status',
        status: 502,
        times: 5,
        scope: /\/auths\/kiro\/refresh$/,
        body,
      });
      await click(w, 'approve', id, 'U0ALICE');
      const failed = await threadFor(w, ':x: Failed');
      expect(String(failed.args.text)).toContain('&lt;!channel&gt;');
      await updateFor(w, '*Failed*');
      expectNothingLive(everythingPosted());
    },
  );

  it('escapes the body in the ephemeral refusal when the approve-time re-read fails', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    await w.proxy.setFault({
      kind: 'status',
      status: 502,
      times: 50,
      scope: /\/auth-files$/,
      body: { error: 'bad gateway', message: HOSTILE },
    });
    await click(w, 'approve', id, 'U0ALICE');
    await ephemeralFor(w, 'U0ALICE', 'Could not check the target');
    expectNothingLive(everythingPosted());
  });

  it('escapes the body in the ephemeral refusal of /auth-refresh and in the /auth-status answer', async () => {
    w = await startWorld();
    await w.proxy.setFault({
      kind: 'status',
      status: 502,
      times: 1000,
      scope: /\/auth-files$/,
      body: { error: 'bad gateway', message: HOSTILE },
    });
    await w.h.command('/auth-refresh', 'kiro', { user: 'U0REQ', channel: 'C0INCIDENT' });
    await ephemeralFor(w, 'U0REQ', 'credentials');
    const ack = await w.h.command('/auth-status', 'kiro', {
      user: 'U0REQ',
      channel: 'C0INCIDENT',
      responseUrl: w.h.slack.responseUrl('hostile-status'),
    });
    const ackBody = await ack.text();
    const answer = ackBody.includes('Proxy status')
      ? ackBody
      : JSON.stringify((await w.h.slack.waitFor((c) => c.args.id === 'hostile-status', 12_000)).args);
    expect(answer).toContain('&lt;!channel&gt;');
    expectNothingLive(everythingPosted([ackBody]));
  });
});

// Tokens planted in a failing proxy's error body, in the shapes upstream OAuth errors take.
const PLANTED = {
  access: 'ya29-planted-ACCESS-7Hq2Zx9Lm4Np0Rt',
  refresh: 'planted-REFRESH-Qw8Er5Ty2Ui7Op3As',
  verifier: 'planted-VERIFIER-Kd4Fg6Hj8Kl1Zx3C',
  secret: 'planted-SECRET-Vb5Nm7Qw9Er2Ty4Ui',
  bearer: 'planted-BEARER-Zx1Cv3Bn5Mq7Wr9Ty',
  code: 'planted-CODE-4Lp6Ko8Ji0Hu2Gy4Ft',
};
const TOKEN_BODY = {
  error: 'oauth2: cannot fetch token',
  message:
    `Response: ${JSON.stringify({ access_token: PLANTED.access, refresh_token: PLANTED.refresh })} ` +
    `sent grant_type=authorization_code&code=${PLANTED.code}&code_verifier=${PLANTED.verifier}&client_secret=${PLANTED.secret} ` +
    `with Authorization: Bearer ${PLANTED.bearer}`,
};

describe('tokens in a proxy error body', () => {
  it('never reach Slack, a log line or the audit trail', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    await w.proxy.setFault({
      kind: 'status',
      status: 502,
      times: 5,
      scope: /\/auths\/kiro\/refresh$/,
      body: TOKEN_BODY,
    });
    await click(w, 'approve', id, 'U0ALICE');
    await threadFor(w, ':x: Failed');
    await updateFor(w, '*Failed*');
    // and the same body on an approve-time read, answered ephemerally
    const second = await askRefresh(w, 'kiro kiro-a.json');
    await w.proxy.setFault({
      kind: 'status',
      status: 502,
      times: 50,
      scope: /\/auth-files$/,
      body: TOKEN_BODY,
    });
    await click(w, 'approve', second.id, 'U0ALICE');
    await ephemeralFor(w, 'U0ALICE', 'Could not check the target');
    const posted = everythingPosted();
    const logs = w.h.logs();
    const audit = JSON.stringify(await w.h.bot.store.listAudit({ limit: 5000 }));
    // the error itself did reach all three, with the tokens removed
    expect(posted).toContain('cannot fetch token');
    expect(audit).toContain('cannot fetch token');
    expect(logs).toContain('cannot fetch token');
    for (const t of Object.values(PLANTED)) {
      expect(posted).not.toContain(t);
      expect(logs).not.toContain(t);
      expect(audit).not.toContain(t);
    }
  });
});
