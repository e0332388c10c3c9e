import { afterEach, describe, expect, it } from 'vitest';
import { makeWorld, requestKiro, type World } from './helpers.js';

let w: World;
afterEach(async () => {
  await w?.engine.drain();
  await w?.store.close();
});

async function world(yaml?: string) {
  w = await makeWorld(yaml);
  w.client.add({ name: 'kiro-a.json' });
  return w;
}

const approve = (id: string, userId: string) =>
  w.engine.vote({ requestId: id, userId, channel: 'C0INC', decision: 'approve' });

describe('the approval engine', () => {
  it('posts the request, runs the refresh once on approval and reports Verified', async () => {
    await world();
    const id = await requestKiro(w);
    const post = w.messenger.of('post')[0]!;
    const posted = JSON.stringify(post.message.blocks);
    expect(posted).toContain('"text":"Approve"');
    expect(posted).toContain('"text":"Deny"');
    expect(posted).toContain('kiro-a.json');
    expect(posted).toContain('v6.9.3-test');
    expect(posted).toContain('<@U0REQ>');
    expect(await approve(id, 'U0ALICE')).toBe('approved');
    await w.engine.drain();
    expect(w.client.count('refreshProvider')).toBe(1);
    const req = await w.store.getRequest(id);
    expect(req?.state).toBe('verified');
    const last = JSON.stringify(w.messenger.lastUpdate()?.message);
    expect(last).toContain('Verified');
    expect(last).not.toContain('"action_id":"approve"');
    expect(w.messenger.texts('thread').join('\n')).toContain('Verified');
    const audit = await w.store.listAudit({ correlationId: id, limit: 500 });
    const kinds = audit.map((e) => e.kind);
    for (const k of [
      'request.created',
      'vote.cast',
      'request.approved',
      'execution.claimed',
      'proxy.call',
      'verify.result',
      'request.verified',
      'message.posted',
      'message.updated',
      'message.thread',
    ])
      expect(kinds).toContain(k);
    const refreshCall = audit.find(
      (e) => e.kind === 'proxy.call' && String(e.data.route).includes('/refresh'),
    );
    expect(refreshCall?.data).toMatchObject({
      method: 'POST',
      route: '/v0/management/auths/kiro/refresh',
      status: 200,
    });
  });

  it('refuses self-approval and non-approvers, ephemerally and with a reason', async () => {
    await world();
    const id = await requestKiro(w);
    expect(await approve(id, 'U0REQ')).toBe('refused');
    expect(await approve(id, 'U0MALLORY')).toBe('refused');
    const eph = w.messenger.texts('ephemeral');
    expect(eph[0]).toContain('cannot approve it yourself');
    expect(eph[1]).toContain('not an approver');
    expect(w.client.count('refreshProvider')).toBe(0);
    expect((await w.store.getRequest(id))?.state).toBe('pending');
  });

  it('accepts a member of an approver user group resolved at click time', async () => {
    await world();
    const id = await requestKiro(w);
    expect(await approve(id, 'U0CAROL')).toBe('approved');
  });

  it('denies, removes the buttons and never executes', async () => {
    await world();
    const id = await requestKiro(w);
    expect(await w.engine.vote({ requestId: id, userId: 'U0BOB', channel: 'C0INC', decision: 'deny' })).toBe(
      'denied',
    );
    expect(await approve(id, 'U0ALICE')).toBe('refused');
    expect(w.messenger.texts('ephemeral').at(-1)).toContain('already denied by <@U0BOB>');
    expect(JSON.stringify(w.messenger.lastUpdate()?.message)).not.toContain('"action_id":"approve"');
    expect(w.client.count('refreshProvider')).toBe(0);
  });

  it('expires requests through the sweeper even if nobody clicks', async () => {
    await world();
    const id = await requestKiro(w);
    w.clock.t += 15 * 60_000;
    expect(await w.engine.sweepExpired()).toBe(1);
    expect((await w.store.getRequest(id))?.state).toBe('expired');
    expect(JSON.stringify(w.messenger.lastUpdate()?.message)).toContain('Expired');
    expect(await approve(id, 'U0ALICE')).toBe('refused');
    expect(w.client.count('refreshProvider')).toBe(0);
  });

  it('turns a request stale when the credential changed since it was made', async () => {
    await world();
    const id = await requestKiro(w);
    w.client.creds.get('kiro-a.json')!.expiresAt = '2027-01-01T00:00:00.000Z';
    expect(await approve(id, 'U0ALICE')).toBe('refused');
    const req = await w.store.getRequest(id);
    expect(req?.state).toBe('stale');
    expect(String(req?.result?.reason)).toContain('kiro-a.json expiry');
    expect(w.client.count('refreshProvider')).toBe(0);
  });

  it('needs two distinct approvers when the policy says 2', async () => {
    await world('approvers: {users: [U0ALICE, U0BOB]}\nactions: {refresh: {approvals: 2}}');
    const r = await w.engine.requestRefresh({ userId: 'U0REQ', channel: 'C0ANY', text: 'kiro' });
    if (!r.ok) throw new Error(r.reason);
    const id = r.request.id;
    expect(
      await w.engine.vote({ requestId: id, userId: 'U0ALICE', channel: 'C0ANY', decision: 'approve' }),
    ).toBe('counted');
    expect(
      await w.engine.vote({ requestId: id, userId: 'U0ALICE', channel: 'C0ANY', decision: 'approve' }),
    ).toBe('refused');
    expect(w.client.count('refreshProvider')).toBe(0);
    expect(
      await w.engine.vote({ requestId: id, userId: 'U0BOB', channel: 'C0ANY', decision: 'approve' }),
    ).toBe('approved');
    await w.engine.drain();
    expect(w.client.count('refreshProvider')).toBe(1);
  });

  it('executes exactly once under 20 concurrent approve clicks', async () => {
    await world();
    const id = await requestKiro(w);
    const users = ['U0ALICE', 'U0BOB', 'U0CAROL'];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => approve(id, users[i % 3]!)));
    await w.engine.drain();
    expect(results.filter((r) => r === 'approved')).toHaveLength(1);
    expect(w.client.count('refreshProvider')).toBe(1);
    // a click replayed later changes nothing and says who approved
    w.clock.t += 60_000;
    expect(await approve(id, 'U0BOB')).toBe('refused');
    await w.engine.drain();
    expect(w.client.count('refreshProvider')).toBe(1);
    expect(w.messenger.texts('ephemeral').at(-1)).toMatch(/already approved by <@U0[A-Z]+> at/);
  });

  it('on a build with no fallback, reports the missing route with the build and offers what remains', async () => {
    await world();
    w.client.refreshMode = 'missing';
    w.client.loginRoutes = false; // probed: no kiro-auth-url, no get-auth-status
    w.client.legacyProbe = 'missing'; // probed: no Kiro web routes
    w.client.creds.get('kiro-a.json')!.disabled = true;
    w.client.add({ name: 'kiro-b.json' });
    const id = await requestKiro(w);
    expect((await w.store.getRequest(id))?.params.fallback).toBeNull();
    await approve(id, 'U0ALICE');
    await w.engine.drain();
    const thread = w.messenger.texts('thread').join('\n');
    expect(thread).toContain('no management refresh route');
    expect(thread).toContain('v6.9.3-test');
    expect(thread).not.toContain('`refresh-404` row applies');
    expect(thread).not.toContain('"action_id":"offer:relogin"');
    expect(thread).not.toContain('"action_id":"offer:legacy_refresh"');
    expect(thread).toContain('"action_id":"offer:reenable"');
    expect((await w.store.getRequest(id))?.state).toBe('failed');
    expect(w.client.count('legacyKiroRefresh')).toBe(0); // probes never call the route itself
    const re = await w.engine.offerAlternative({
      parentId: id,
      kind: 'reenable',
      userId: 'U0REQ',
      channel: 'C0INC',
    });
    if (!re.ok) throw new Error(re.reason);
    expect(re.request.params.credentials).toEqual(['kiro-a.json']);
    await approve(re.request.id, 'U0BOB');
    await w.engine.drain();
    expect(w.client.calls).toContain('setDisabled kiro-a.json false');
    expect((await w.store.getRequest(re.request.id))?.state).toBe('verified');
  });

  it('plans the legacy Kiro refresh where a probe finds it: one approval, seed route then fallback', async () => {
    await world();
    w.client.refreshMode = 'missing';
    w.client.legacyProbe = 'present';
    const id = await requestKiro(w);
    const request = await w.store.getRequest(id);
    expect(request?.params).toMatchObject({ fallback: 'legacy', planKey: 'legacy:present' });
    const posted = String(w.messenger.texts('post')[0]);
    expect(posted).toContain('legacy Kiro refresh, every Kiro file');
    expect(posted).toContain('refreshes every Kiro file');
    expect(w.client.count('legacyKiroRefresh')).toBe(0);
    expect(w.client.calls.filter((c) => c.startsWith('startLogin'))).toEqual([]); // nothing started
    await approve(id, 'U0ALICE');
    await w.engine.drain();
    expect(w.client.count('refreshProvider kiro')).toBe(1);
    expect(w.client.count('legacyKiroRefresh')).toBe(1);
    const thread = w.messenger.texts('thread').join('\n');
    expect(thread).toContain('Running the planned fallback');
    expect(thread).toContain('Verified');
    expect((await w.store.getRequest(id))?.state).toBe('verified');
    expect(await w.store.listRequests({ limit: 10 })).toHaveLength(1); // one request, one approval round
  });

  it('plans a re-login (kiro-auth-url?method=aws) where the build has no legacy route, probed without starting one', async () => {
    await world();
    w.client.refreshMode = 'missing';
    const id = await requestKiro(w);
    const request = await w.store.getRequest(id);
    expect(request?.params).toMatchObject({
      fallback: 'relogin',
      login: { name: 'kiro', answer: 'present', method: 'aws', methods: ['aws', 'google', 'github'] },
    });
    // the probe sent a method the route rejects before doing anything; no login was started
    expect(w.client.calls.filter((c) => c.startsWith('startLogin'))).toEqual([
      'startLogin kiro auth-bot-probe',
    ]);
    expect(String(w.messenger.texts('post')[0])).toContain('kiro-auth-url?method=aws');
    await approve(id, 'U0ALICE');
    await w.engine.drain();
    expect(w.client.count('startLogin kiro aws')).toBe(1);
    // the login link goes to the approver alone, never into the thread
    expect(w.messenger.texts('thread').join('\n')).not.toContain('https://login.example/authorize');
    expect(w.messenger.texts('thread').join('\n')).toContain('sent privately to <@U0ALICE>');
    const prompt = w.messenger.sent.find(
      (m) => m.kind === 'ephemeral' && m.message.text.includes('login.example'),
    );
    expect(prompt?.user).toBe('U0ALICE');
    expect((await w.store.getRequest(id))?.state).toBe('verified');
  });

  it('asks the approvals of both actions when the plan falls back to a re-login', async () => {
    await world(
      'approvers: {users: [U0ALICE, U0BOB]}\nactions: {refresh: {approvals: 1}, relogin: {approvals: 2}}',
    );
    w.client.refreshMode = 'missing';
    const r = await w.engine.requestRefresh({ userId: 'U0REQ', channel: 'C0ANY', text: 'kiro' });
    if (!r.ok) throw new Error(r.reason);
    expect(r.request.params.fallback).toBe('relogin');
    expect(r.request.approvalsRequired).toBe(2);
    await w.engine.drain();
    await w.store.close();
    // the same policy with the legacy Kiro refresh planned: the refresh policy alone applies
    await world(
      'approvers: {users: [U0ALICE, U0BOB]}\nactions: {refresh: {approvals: 1}, relogin: {approvals: 2}}',
    );
    w.client.refreshMode = 'missing';
    w.client.legacyProbe = 'present';
    const legacy = await w.engine.requestRefresh({ userId: 'U0REQ', channel: 'C0ANY', text: 'kiro' });
    if (!legacy.ok) throw new Error(legacy.reason);
    expect(legacy.request.params.fallback).toBe('legacy');
    expect(legacy.request.approvalsRequired).toBe(1);
  });

  it('turns a planned request stale when the build changes before approval', async () => {
    await world();
    w.client.refreshMode = 'missing';
    w.client.legacyProbe = 'present';
    const id = await requestKiro(w);
    w.client.serverVersion = 'v7.2.140';
    w.client.legacyProbe = 'missing';
    expect(await approve(id, 'U0ALICE')).toBe('refused');
    const req = await w.store.getRequest(id);
    expect(req?.state).toBe('stale');
    expect(String(req?.result?.reason)).toContain('build changed');
    expect(String(req?.result?.reason)).toContain('v6.9.3-test → v7.2.140');
    expect(w.client.count('refreshProvider')).toBe(0);
    expect(w.client.count('legacyKiroRefresh')).toBe(0);
  });

  it('turns a planned request stale when the same build string no longer has the planned route', async () => {
    await world();
    w.client.refreshMode = 'missing';
    w.client.legacyProbe = 'present';
    const id = await requestKiro(w);
    w.client.legacyProbe = 'missing'; // a fork rebuilt under the same version string
    expect(await approve(id, 'U0ALICE')).toBe('refused');
    expect(String((await w.store.getRequest(id))?.result?.reason)).toContain(
      'planned legacy:present, now relogin',
    );
  });

  it('fails verification when the refresh answers 200 but the expiry stays put', async () => {
    await world();
    w.client.refreshMode = 'noop';
    const id = await requestKiro(w);
    await approve(id, 'U0ALICE');
    await w.engine.drain();
    const req = await w.store.getRequest(id);
    expect(req?.state).toBe('failed');
    expect(req?.result?.runbook).toBe('token-stays-expired');
    const last = JSON.stringify(w.messenger.lastUpdate()?.message);
    expect(last).toContain('Verification failed');
    expect(last).toContain('token-stays-expired');
  });

  it('reports a proxy that goes down mid-flow as a clear failure and keeps the audit', async () => {
    await world();
    w.client.refreshMode = 'down';
    const id = await requestKiro(w);
    await approve(id, 'U0ALICE');
    await w.engine.drain();
    const req = await w.store.getRequest(id);
    expect(req?.state).toBe('failed');
    expect(String(req?.result?.reason)).toContain('unreachable');
    expect(w.messenger.texts('thread').join('\n')).toContain('Failed');
    const kinds = (await w.store.listAudit({ correlationId: id, limit: 500 })).map((e) => e.kind);
    expect(kinds).toContain('request.failed');
    expect((await w.store.listExecutions({ running: true })).length).toBe(0);
  });

  it('runs the canary and links its failure to a runbook row', async () => {
    w = await makeWorld();
    w.client.add({ name: 'kiro-a.json' });
    // rebuild with a canary configured
    const { createApprovalEngine } = await import('../../src/approvals/engine.js');
    const pino = (await import('pino')).default;
    w.engine = createApprovalEngine({
      store: w.store,
      client: w.client,
      messenger: w.messenger,
      policy: w.policy,
      resolveGroupMembers: async () => [],
      logger: pino({ level: 'silent' }),
      now: () => w.clock.t,
      sleep: async (ms) => {
        w.clock.t += ms;
      },
      verify: { pollIntervalMs: 100, timeoutMs: 500 },
      canary: { clientKey: 'ck-secret-value', model: 'm1' },
    });
    w.client.canaryResult = {
      ok: false,
      status: 503,
      latencyMs: 40,
      failure: 'auth_unavailable',
      runbook: 'auth-unavailable',
    };
    const id = await requestKiro(w);
    await approve(id, 'U0ALICE');
    await w.engine.drain();
    const req = await w.store.getRequest(id);
    expect(req?.state).toBe('failed');
    expect(req?.result?.runbook).toBe('auth-unavailable');
    const audit = JSON.stringify(await w.store.listAudit({ correlationId: id, limit: 500 }));
    expect(audit).not.toContain('ck-secret-value');
  });

  it('keeps a pending request across a restart and executes it after', async () => {
    await world();
    const id = await requestKiro(w);
    await w.restart();
    expect(await approve(id, 'U0ALICE')).toBe('approved');
    await w.engine.drain();
    expect(w.client.count('refreshProvider')).toBe(1);
    expect((await w.store.getRequest(id))?.state).toBe('verified');
  });

  it('refuses a second request on the same target while one is open, and honours cooldown', async () => {
    await world('approvers: {users: [U0ALICE]}\nactions: {refresh: {cooldown: 5m}}');
    const r1 = await w.engine.requestRefresh({ userId: 'U0REQ', channel: 'C1', text: 'kiro' });
    const r2 = await w.engine.requestRefresh({ userId: 'U0REQ', channel: 'C1', text: 'kiro' });
    expect(r1.ok).toBe(true);
    expect(r2.ok).toBe(false);
    if (r1.ok)
      await w.engine.vote({
        requestId: r1.request.id,
        userId: 'U0ALICE',
        channel: 'C1',
        decision: 'approve',
      });
    await w.engine.drain();
    const r3 = await w.engine.requestRefresh({ userId: 'U0REQ', channel: 'C1', text: 'kiro' });
    expect(r3).toMatchObject({ ok: false, reason: expect.stringContaining('cooling down') });
    w.clock.t += 5 * 60_000 + 1;
    expect((await w.engine.requestRefresh({ userId: 'U0REQ', channel: 'C1', text: 'kiro' })).ok).toBe(true);
  });

  it("refuses a credential of another provider, naming the credential's provider", async () => {
    await world();
    w.client.add({ name: 'gemini-x.json', provider: 'gemini' });
    const r = await w.engine.requestRefresh({
      userId: 'U0REQ',
      channel: 'C0INC',
      text: 'kiro gemini-x.json',
    });
    expect(r).toMatchObject({
      ok: false,
      reason: expect.stringContaining('gemini-x.json belongs to provider gemini, not kiro'),
    });
    expect(w.messenger.texts('ephemeral').at(-1)).toContain('belongs to provider gemini');
    expect(w.messenger.of('post')).toHaveLength(0);
    // the kiro credential by name still works
    expect(
      (await w.engine.requestRefresh({ userId: 'U0REQ', channel: 'C0INC', text: 'kiro kiro-a.json' })).ok,
    ).toBe(true);
  });

  it('refuses mutations with a hint when no policy is configured, and commands outside allowed channels', async () => {
    await world('approvers: {users: [U0ALICE]}\nchannels: [C0INC]');
    const outside = await w.engine.requestRefresh({ userId: 'U0REQ', channel: 'C0OTHER', text: 'kiro' });
    expect(outside).toMatchObject({ ok: false, reason: expect.stringContaining('<#C0INC>') });
    const bad = await w.engine.requestRefresh({
      userId: 'U0REQ',
      channel: 'C0INC',
      text: 'kiro ../../x.json',
    });
    expect(bad.ok).toBe(false);
    expect(w.client.calls).toEqual([]);
  });
});
