// Approve / Deny on a request message, and the alternatives offered in its thread (offer:<kind>).
// Authority comes from body.user.id of the verified payload; the button value only names the request.
import type { App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ApprovalEngine } from '../../approvals/engine.js';
import type { Logger } from '../../logger.js';
import { OFFER_ACTION_PREFIX } from '../views/request-thread.js';

export interface ApprovalActionDeps {
  engine: Pick<ApprovalEngine, 'vote' | 'offerAlternative'>;
  logger: Logger;
}

const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;

function who(args: SlackActionMiddlewareArgs<BlockButtonAction>) {
  const { body, action } = args;
  return {
    userId: body.user.id,
    channel: body.channel?.id ?? body.container?.channel_id ?? '',
    value: typeof action.value === 'string' && REQUEST_ID.test(action.value) ? action.value : undefined,
  };
}

export function registerApprovalActions(app: App, deps: ApprovalActionDeps): void {
  for (const decision of ['approve', 'deny'] as const) {
    app.action<BlockButtonAction>(decision, async (args) => {
      await args.ack();
      const { userId, channel, value } = who(args);
      const log = deps.logger.child({ action: decision, user: userId, channel, requestId: value });
      if (!value) return void log.warn('click without a valid request id');
      // an error goes to the router's guard, which answers the user with a reference and logs it
      const outcome = await deps.engine.vote({ requestId: value, userId, channel, decision });
      log.info({ outcome }, 'handled vote');
    });
  }
  app.action<BlockButtonAction>(new RegExp(`^${OFFER_ACTION_PREFIX}`), async (args) => {
    await args.ack();
    const { userId, channel, value } = who(args);
    const kind = args.action.action_id.slice(OFFER_ACTION_PREFIX.length);
    const log = deps.logger.child({ action: args.action.action_id, user: userId, channel, parentId: value });
    if (!value) return void log.warn('offer click without a valid request id');
    const r = await deps.engine.offerAlternative({ parentId: value, kind, userId, channel });
    log.info(r.ok ? { requestId: r.request.id } : { refused: r.reason }, 'handled offer');
  });
}
