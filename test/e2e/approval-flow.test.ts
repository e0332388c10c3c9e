// Approval-gated refresh end to end: real app over HTTP, fake Slack, fake proxy.
import { afterEach, describe, expect, it } from 'vitest';
import {
  askRefresh,
  buttonsOf,
  click,
  ephemeralFor,
  expectNoSecrets,
  startWorld,
  threadFor,
  updateFor,
  type World,
} from '../approvals/e2e-helpers.js';

let w: World;
afterEach(async () => {
  await w?.close();
});

const refreshCalls = () => w.proxy.callsTo('/v0/management/auths/kiro/refresh', 'POST').length;

describe('/auth-refresh with approval, over HTTP', () => {
  it('acks at once, posts the request, and refreshes once after approval, then reads Verified', async () => {
    w = await startWorld();
    const started = Date.now();
    const { id, call, ackMs } = await askRefresh(w);
    expect(ackMs).toBeLessThan(1000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(call.args.channel).toBe('C0INCIDENT');
    expect(buttonsOf(call).map((b) => b.text)).toEqual(['Approve', 'Deny']);
    const text = JSON.stringify(call.args.blocks);
    for (const words of [
      '<@U0REQ>',
      'kiro-a.json',
      'v6.9.3-plus-test',
      'Approvals needed',
      'What the bot will do',
      'Expires',
    ])
      expect(text).toContain(words);
    await click(w, 'approve', id, 'U0ALICE');
    const final = await updateFor(w, 'Verified');
    expect(buttonsOf(final)).toEqual([]);
    await threadFor(w, 'Verified');
    expect(refreshCalls()).toBe(1);
    const audit = await w.h.bot.store.listAudit({ correlationId: id, limit: 500 });
    expect(audit.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['request.created', 'vote.cast', 'proxy.call', 'verify.result']),
    );
    expect(
      audit.some(
        (e) =>
          e.kind === 'proxy.call' && e.data.method === 'GET' && e.data.route === '/v0/management/config.yaml',
      ),
      'the pre-mutation snapshot read is in the request audit trail',
    ).toBe(true);
    expectNoSecrets(w);
    expect(JSON.stringify(audit)).not.toContain('test-management-key');
  });

  it('refuses self-approval and non-approvers ephemerally, with the reason', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    await click(w, 'approve', id, 'U0REQ');
    await ephemeralFor(w, 'U0REQ', 'cannot approve it yourself');
    await click(w, 'approve', id, 'U0MALLORY');
    await ephemeralFor(w, 'U0MALLORY', 'not an approver');
    expect(refreshCalls()).toBe(0);
  });

  it('lets a member of an approver user group approve (usergroups.users.list at click time)', async () => {
    w = await startWorld();
    w.h.slack.setUsergroup('S0ONCALL', ['U0CAROL']);
    const { id } = await askRefresh(w);
    await click(w, 'approve', id, 'U0CAROL');
    await updateFor(w, 'Verified');
    expect(w.h.slack.callsTo('usergroups.users.list').length).toBeGreaterThan(0);
  });

  it('denies: the message says so, buttons go, nothing runs, a later approve is refused', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    await click(w, 'deny', id, 'U0BOB');
    const denied = await updateFor(w, 'Denied');
    expect(buttonsOf(denied)).toEqual([]);
    await click(w, 'approve', id, 'U0ALICE');
    await ephemeralFor(w, 'U0ALICE', 'already denied by <@U0BOB>');
    expect(refreshCalls()).toBe(0);
  });

  it('expires a request nobody answers, and updates its message without a click', async () => {
    w = await startWorld({
      policy: 'approvers: {users: [U0ALICE]}\nactions: {refresh: {ttl: 1s, cooldown: 0s}}\n',
    });
    const { id } = await askRefresh(w);
    const expired = await updateFor(w, 'Expired', 8000);
    expect(buttonsOf(expired)).toEqual([]);
    await click(w, 'approve', id, 'U0ALICE');
    await ephemeralFor(w, 'U0ALICE', 'already expired');
    expect(refreshCalls()).toBe(0);
  });

  it('turns stale when the credential changed before approval, and says why', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    const f = w.proxy.state.files.get('kiro-a.json')!;
    f.content = { ...f.content, expires_at: new Date(Date.now() + 7_200_000).toISOString() };
    await click(w, 'approve', id, 'U0ALICE');
    const stale = await updateFor(w, 'Stale');
    expect(JSON.stringify(stale.args.blocks)).toContain('kiro-a.json expiry');
    await ephemeralFor(w, 'U0ALICE', 'stale');
    expect(refreshCalls()).toBe(0);
  });

  it('needs two approvers when the policy says 2', async () => {
    w = await startWorld({
      policy: 'approvers: {users: [U0ALICE, U0BOB]}\nactions: {refresh: {approvals: 2, cooldown: 0s}}\n',
    });
    const { id } = await askRefresh(w);
    await click(w, 'approve', id, 'U0ALICE');
    await threadFor(w, '(1 of 2)');
    await click(w, 'approve', id, 'U0ALICE');
    await ephemeralFor(w, 'U0ALICE', 'already voted');
    expect(refreshCalls()).toBe(0);
    await click(w, 'approve', id, 'U0BOB');
    await updateFor(w, 'Verified');
    expect(refreshCalls()).toBe(1);
  });

  it('executes once when 20 approve clicks arrive together, and a replayed click later changes nothing', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    const users = ['U0ALICE', 'U0BOB'];
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => click(w, 'approve', id, users[i % 2]!)),
    );
    expect(acks.every((r) => r.status === 200)).toBe(true);
    await updateFor(w, 'Verified');
    expect(refreshCalls()).toBe(1);
    await click(w, 'approve', id, 'U0BOB');
    await ephemeralFor(w, 'U0BOB', 'already approved by <@U0');
    await new Promise((r) => setTimeout(r, 300));
    expect(refreshCalls()).toBe(1);
  });
});
