// Where a re-login's URL / device code goes: to the approver alone, never to the thread or the audit trail.
import { describe, expect, it } from 'vitest';
import type { Scoped } from '../../src/approvals/context.js';
import { loginPrompter } from '../../src/approvals/login-prompt.js';
import type { ApprovalRequest } from '../../src/store/types.js';
import { newRequest, T0 } from '../store/fixtures.js';
import { RecordingMessenger } from './fakes.js';

const URL = 'https://login.example/authorize?state=s1&x=<!channel>';

function world(decidedBy: string | null) {
  const messenger = new RecordingMessenger();
  const audit: { kind: string; data: Record<string, unknown> }[] = [];
  const s: Scoped = {
    audit: async (kind, _actor, data = {}) => void audit.push({ kind, data }),
    client: {} as never,
    messenger,
  };
  const request: ApprovalRequest = {
    ...newRequest({ action: 'relogin' }),
    messageTs: '100.1',
    state: 'running',
    updatedAt: T0,
    decidedBy,
    decidedAt: T0,
    result: null,
  };
  return { messenger, audit, prompt: loginPrompter(s, request, 'kiro') };
}

describe('loginPrompter', () => {
  it('sends every new prompt to the approver alone and notes it in the thread once', async () => {
    const w = world('U0BOB');
    await w.prompt({ url: URL, userCode: undefined });
    await w.prompt({ url: 'https://login.example/device', userCode: 'ABCD-EFGH' });
    const ephemerals = w.messenger.of('ephemeral');
    expect(ephemerals.map((e) => [e.channel, e.user])).toEqual([
      ['C0INCIDENT', 'U0BOB'],
      ['C0INCIDENT', 'U0BOB'],
    ]);
    expect(JSON.stringify(ephemerals[0]?.message)).toContain('https://login.example/authorize?state=s1');
    expect(JSON.stringify(ephemerals[1]?.message)).toContain('ABCD-EFGH');
    // the URL came from the proxy: escaped, it cannot ping the channel even in an ephemeral
    expect(JSON.stringify(ephemerals[0]?.message)).not.toContain('<!channel>');
    const thread = w.messenger.texts('thread');
    expect(thread).toHaveLength(1);
    expect(thread[0]).toContain('sent privately to <@U0BOB> in this channel');
    expect(thread.join()).not.toMatch(/login\.example|ABCD-EFGH/);
    // the audit trail keeps the kind and the recipient, never the URL or the code
    expect(ephemerals.map((e) => e.message.audit)).toEqual([
      { loginPrompt: 'url' },
      { loginPrompt: 'url_and_code' },
    ]);
    expect(JSON.stringify(w.audit)).not.toMatch(/login\.example|ABCD-EFGH/);
    expect(w.audit[0]).toEqual({
      kind: 'login.prompt',
      data: { hasUrl: true, hasCode: false, to: 'U0BOB', via: 'ephemeral' },
    });
    expect(w.messenger.of('dm')).toEqual([]);
  });

  it('sends the prompt by direct message when Slack refuses the ephemeral, and says so in the thread once', async () => {
    const w = world('U0BOB');
    w.messenger.refuseEphemeral.add('U0BOB');
    await w.prompt({ url: URL, userCode: undefined });
    await w.prompt({ url: 'https://login.example/device', userCode: 'ABCD-EFGH' });
    const dms = w.messenger.of('dm');
    expect(dms.map((d) => d.user)).toEqual(['U0BOB', 'U0BOB']);
    expect(JSON.stringify(dms[0]?.message)).toContain('https://login.example/authorize?state=s1');
    expect(JSON.stringify(dms[1]?.message)).toContain('ABCD-EFGH');
    expect(dms.map((d) => d.message.audit)).toEqual([
      { loginPrompt: 'url' },
      { loginPrompt: 'url_and_code' },
    ]);
    const thread = w.messenger.texts('thread');
    expect(thread).toHaveLength(1);
    expect(thread[0]).toContain('sent to <@U0BOB> by direct message');
    expect(thread[0]).not.toContain('sent privately');
    expect(JSON.stringify(w.messenger.of('thread'))).not.toMatch(/login\.example|ABCD-EFGH/);
    expect(w.audit.map((a) => a.data.via)).toEqual(['dm', 'dm']);
    expect(JSON.stringify(w.audit)).not.toMatch(/login\.example|ABCD-EFGH/);
  });

  it('stops the login and says what to do when neither the ephemeral nor the DM is accepted', async () => {
    const w = world('U0BOB');
    w.messenger.refuseEphemeral.add('U0BOB');
    w.messenger.refuseDm.add('U0BOB');
    await expect(w.prompt({ url: URL, userCode: 'ABCD-EFGH' })).rejects.toThrow(
      'login link could not be delivered to the approver; the login was stopped',
    );
    const thread = w.messenger.texts('thread');
    expect(thread).toHaveLength(1);
    expect(thread[0]).toContain('could not be delivered to <@U0BOB>');
    expect(thread[0]).toContain('should join this channel or allow direct messages');
    expect(thread[0]).toContain('/auth-refresh kiro');
    expect(JSON.stringify(w.messenger.sent)).not.toMatch(/login\.example|ABCD-EFGH/);
    expect(w.audit).toEqual([
      { kind: 'login.prompt', data: { hasUrl: true, hasCode: true, to: 'U0BOB', via: 'none' } },
    ]);
  });

  it('posts no link anywhere when there is no approver to send it to', async () => {
    const w = world('system');
    await w.prompt({ url: URL, userCode: 'ABCD-EFGH' });
    await w.prompt({ url: URL, userCode: 'WXYZ-0000' });
    expect(w.messenger.of('ephemeral')).toEqual([]);
    const thread = w.messenger.texts('thread');
    expect(thread).toHaveLength(1);
    expect(thread[0]).toContain('was not posted');
    expect(w.audit.map((a) => a.data)).toEqual([
      { hasUrl: true, hasCode: true, to: null, via: 'none' },
      { hasUrl: true, hasCode: true, to: null, via: 'none' },
    ]);
    expect(JSON.stringify(w.messenger.sent)).not.toMatch(/login\.example|ABCD-EFGH|WXYZ/);
  });
});
