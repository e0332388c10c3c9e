// Where a re-login's URL / device code goes: to the approver alone (an ephemeral message in the request's
// channel), never into the thread, where any member could open it and complete the login with their own
// account. The thread says, once, that the link was sent privately and to whom.
import type { LoginPrompt } from '../domain/actions/relogin.js';
import {
  renderLoginPrompt,
  renderLoginSentPrivately,
  renderLoginWithheld,
} from '../slack/views/request-thread.js';
import type { ApprovalRequest } from '../store/types.js';
import { reply, type Scoped } from './context.js';

/** The `onPrompt` of a re-login: sends each new prompt to the approver; notes it in the thread once. */
export function loginPrompter(
  s: Scoped,
  request: ApprovalRequest,
  provider: string,
): (prompt: LoginPrompt) => Promise<void> {
  const approver = request.decidedBy && request.decidedBy !== 'system' ? request.decidedBy : undefined;
  let noted = false;
  return async (p) => {
    // the audit trail keeps that a prompt was sent, its kind and to whom, never the URL or code
    const kind = p.url && p.userCode ? 'url_and_code' : p.userCode ? 'device_code' : 'url';
    await s.audit('login.prompt', null, {
      hasUrl: p.url !== undefined,
      hasCode: p.userCode !== undefined,
      to: approver ?? null,
    });
    if (!approver) {
      if (!noted) await reply(s, request, renderLoginWithheld(provider));
      noted = true;
      return;
    }
    await s.messenger.ephemeral(request.channel, approver, {
      ...renderLoginPrompt(provider, approver, p.url, p.userCode),
      audit: { loginPrompt: kind },
    });
    if (!noted) await reply(s, request, renderLoginSentPrivately(provider, approver));
    noted = true;
  };
}
