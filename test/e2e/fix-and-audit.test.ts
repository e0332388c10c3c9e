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

  it('refuses a malformed request id with the usage', async () => {
    w = await startWorld();
    await w.h.command('/auth-audit', '../../etc/passwd', { responseUrl: w.h.slack.responseUrl('audit-bad') });
    const reply = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'audit-bad');
    expect(String(reply.args.text)).toContain('Usage');
  });
});
