// Where a re-login's URL / device code goes: to the approver alone (an ephemeral message in the request's
// channel), never into the thread, where any member could open it and complete the login with their own
// account. When Slack refuses the ephemeral (the approver is not in the channel, the channel is gone), the
// same prompt goes to the approver by direct message; when that is refused too, the login is stopped and
// the thread says the link could not be delivered and what to do. The thread says where the link went,
// once (again only if a later prompt went another way).
import type { LoginPrompt } from '../domain/actions/relogin.js';
import { AppError } from '../errors.js';
import {
  renderLoginPrompt,
  renderLoginSentByDm,
  renderLoginSentPrivately,
  renderLoginUndelivered,
  renderLoginWithheld,
} from '../slack/views/request-thread.js';
import type { ApprovalRequest } from '../store/types.js';
import { reply, type Scoped } from './context.js';

/** How a prompt reached the approver: `none` when it did not (or there was no approver). */
export type LoginDelivery = 'ephemeral' | 'dm' | 'none';

/** The `onPrompt` of a re-login: sends each new prompt to the approver; notes it in the thread once. */
export function loginPrompter(
  s: Scoped,
  request: ApprovalRequest,
  provider: string,
): (prompt: LoginPrompt) => Promise<void> {
  const approver = request.decidedBy && request.decidedBy !== 'system' ? request.decidedBy : undefined;
  let noted: LoginDelivery | undefined;
  // once Slack refused the ephemeral for this approver, later prompts go straight to the direct message
  let ephemeralRefused = false;
  return async (p) => {
    // the audit trail keeps that a prompt was sent, its kind, to whom and how, never the URL or code
    const kind = p.url && p.userCode ? 'url_and_code' : p.userCode ? 'device_code' : 'url';
    const facts = { hasUrl: p.url !== undefined, hasCode: p.userCode !== undefined, to: approver ?? null };
    if (!approver) {
      await s.audit('login.prompt', null, { ...facts, via: 'none' });
      if (!noted) await reply(s, request, renderLoginWithheld(provider));
      noted = 'none';
      return;
    }
    const message = {
      ...renderLoginPrompt(provider, approver, p.url, p.userCode),
      audit: { loginPrompt: kind },
    };
    let via: LoginDelivery = 'none';
    if (!ephemeralRefused && (await s.messenger.ephemeral(request.channel, approver, message)))
      via = 'ephemeral';
    else {
      ephemeralRefused = true;
      if (await s.messenger.direct(approver, message)) via = 'dm';
    }
    await s.audit('login.prompt', null, { ...facts, via });
    if (via === 'none') {
      // nobody can complete a login whose link reached no one: stop it (the target is free for a new request)
      await reply(s, request, renderLoginUndelivered(provider, approver));
      throw new AppError(
        'slack_error',
        `The ${provider} login link could not be delivered to the approver; the login was stopped.`,
      );
    }
    if (noted !== via)
      await reply(
        s,
        request,
        via === 'dm' ? renderLoginSentByDm(provider, approver) : renderLoginSentPrivately(provider, approver),
      );
    noted = via;
  };
}
