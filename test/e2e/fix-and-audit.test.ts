// "Request fix" from an /auth-why answer, and /auth-audit, end to end over HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import {
  askRefresh,
  blocksText,
  buttonsOf,
  click,
  ephemeralFor,
  expectNoSecrets,
  startWorld,
  updateFor,
  type World,
} from '../approvals/e2e-helpers.js';

let w: World;
afterEach(async () => {
  await w?.close();
});

type Block = { type: string; elements?: { action_id?: string; value?: string }[] };

async function whyButtons(text: string, id: string) {
  await w.h.command('/auth-why', text, { user: 'U0REQ', responseUrl: w.h.slack.responseUrl(id) });
  const reply = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === id);
  return (reply.args.blocks as Block[]).flatMap((b) => b.elements ?? []);
}

describe('Request fix from /auth-why', () => {
  it('opens an approval-gated refresh for the provider that shows the problem', async () => {
    w = await startWorld();
    const fix = (await whyButtons('requests return repeated 401 after prior success', 'fix-1')).find(
      (e) => e.action_id === 'fix_request:repeated-401',
    );
    expect(fix?.value).toBe('repeated-401');
    await w.h.click(fix?.action_id ?? '', fix?.value ?? '', { user: 'U0REQ', channel: 'C0INCIDENT' });
    const request = await w.h.slack.waitFor(
      (c) => c.method === 'chat.postMessage' && buttonsOf(c).some((b) => b.actionId === 'approve'),
    );
    expect(buttonsOf(request).map((b) => b.text)).toEqual(['Approve', 'Deny']);
    expect(blocksText(request)).toContain('kiro');
    expect(w.proxy.callsTo('/v0/management/auths/kiro/refresh', 'POST')).toHaveLength(0);
  });

  it('says so when the row has no fix the bot can run', async () => {
    w = await startWorld();
    await w.h.click('fix_request:kiro-account-selection', 'kiro-account-selection', {
      user: 'U0REQ',
      channel: 'C0INCIDENT',
    });
    await ephemeralFor(w, 'U0REQ', 'has no fix the bot can run');
    expect(w.h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });
});

describe('a policy whose quorum cannot be reached', () => {
  it('refuses the request at once, naming the policy keys, instead of posting one nobody can approve', async () => {
    w = await startWorld({
      policy:
        'channels: [C0INCIDENT]\napprovers: { users: [U0ALICE] }\nactions:\n  refresh: { approvals: 2 }\n',
    });
    await w.h.command('/auth-refresh', 'kiro', { user: 'U0REQ', channel: 'C0INCIDENT' });
    const refusal = await ephemeralFor(w, 'U0REQ', 'refresh needs 2 approvals');
    expect(String(refusal.args.text)).toContain('actions.refresh.approvals');
    expect(w.h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });
});

describe('/auth-audit', () => {
  it('lists recent requests with requester, approver and outcome, and one request in full', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    await click(w, 'approve', id, 'U0ALICE');
    await updateFor(w, 'Verified');

    await w.h.command('/auth-audit', '', { user: 'U0BOB', responseUrl: w.h.slack.responseUrl('audit-list') });
    const list = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'audit-list');
    const listText = JSON.stringify(list.args.blocks);
    expect(list.args.response_type).toBe('ephemeral');
    for (const words of [id, 'verified', '<@U0REQ>', 'approved by <@U0ALICE>'])
      expect(listText).toContain(words);

    await w.h.command('/auth-audit', id, { user: 'U0BOB', responseUrl: w.h.slack.responseUrl('audit-one') });
    const one = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'audit-one');
    const oneText = JSON.stringify(one.args.blocks);
    for (const kind of ['request.created', 'vote.cast', 'proxy.call', 'verify.result'])
      expect(oneText).toContain(kind);
    expectNoSecrets(w);
  });

  it('keeps a re-login prompt in the trail without its URL, and /auth-audit REQUEST-ID shows none', async () => {
    w = await startWorld({ proxy: { routes: { seedRefresh: false, plusLogins: true } } });
    // the refresh is planned with its re-login fallback: one request, one approval
    const { id: newId } = await askRefresh(w);
    await click(w, 'approve', newId, 'U0BOB');
    await ephemeralFor(w, 'U0BOB', 'https://login.example.com/kiro');
    const f = w.proxy.state.files.get('kiro-a.json')!;
    f.content = {
      ...f.content,
      expires_at: new Date(Date.now() + 7_200_000).toISOString(),
      last_refresh: new Date().toISOString(),
    };
    await updateFor(w, 'Verified', 15_000);

    const events = await w.h.bot.store.listAudit({ correlationId: newId, limit: 500 });
    expect(JSON.stringify(events)).not.toContain('login.example.com');
    expect(events.filter((e) => e.kind === 'message.ephemeral').map((e) => e.data.loginPrompt)).toContain(
      'url',
    );
    await w.h.command('/auth-audit', newId, {
      user: 'U0BOB',
      responseUrl: w.h.slack.responseUrl('audit-login'),
    });
    const one = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'audit-login');
    expect(JSON.stringify(one.args.blocks)).toContain('message.ephemeral');
    expect(JSON.stringify(one.args)).not.toContain('login.example.com');
  });

  it('refuses outside the policy channels, ephemerally', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    await w.h.command('/auth-audit', id, {
      user: 'U0BOB',
      channel: 'C0OTHER',
      responseUrl: w.h.slack.responseUrl('audit-elsewhere'),
    });
    const reply = await w.h.slack.waitFor(
      (c) => c.method === 'response_url' && c.args.id === 'audit-elsewhere',
    );
    expect(reply.args.response_type).toBe('ephemeral');
    expect(String(reply.args.text)).toContain('can only be read in <#C0INCIDENT>');
    expect(JSON.stringify(reply.args)).not.toContain('request.created');
  });

  it('refuses a malformed request id with the usage', async () => {
    w = await startWorld();
    await w.h.command('/auth-audit', '../../etc/passwd', { responseUrl: w.h.slack.responseUrl('audit-bad') });
    const reply = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'audit-bad');
    expect(String(reply.args.text)).toContain('Usage');
  });
});
