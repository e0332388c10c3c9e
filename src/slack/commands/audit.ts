// /auth-audit: recent requests and their outcome, ephemerally.
import type { App } from '@slack/bolt';
import { listAuditRows, listRequestEvents } from '../../approvals/audit-summary.js';
import { channelRefusal } from '../../domain/approvals/authorize.js';
import type { Policy } from '../../domain/approvals/policy.js';
import type { Logger } from '../../logger.js';
import type { Store } from '../../store/types.js';
import { renderAudit, renderRequestEvents } from '../views/audit.js';

export interface AuditCommandDeps {
  store: Store;
  logger: Logger;
  /** Its `channels`: where the audit trail may be read (as for /auth-refresh). */
  policy: Pick<Policy, 'channels'>;
}

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function registerAuditCommand(app: App, deps: AuditCommandDeps): void {
  app.command('/auth-audit', async ({ command, ack, respond }) => {
    await ack();
    const log = deps.logger.child({
      command: '/auth-audit',
      user: command.user_id,
      channel: command.channel_id,
    });
    // an error goes to the router's guard, which answers the user with a reference and logs it
    const outside = channelRefusal(deps.policy, command.channel_id);
    if (outside !== undefined) {
      await respond({
        response_type: 'ephemeral',
        text: `:no_entry: The audit trail can only be read in ${outside} (policy \`channels\`).`,
      });
      log.info('refused /auth-audit outside the allowed channels');
      return;
    }
    const requestId = (command.text ?? '').trim();
    if (requestId !== '' && !REQUEST_ID.test(requestId)) {
      await respond({
        response_type: 'ephemeral',
        text: "Usage: `/auth-audit` for recent requests, or `/auth-audit REQUEST-ID` for one request's trail.",
      });
      return;
    }
    const view =
      requestId === ''
        ? renderAudit(await listAuditRows(deps.store, 20))
        : renderRequestEvents(requestId, await listRequestEvents(deps.store, requestId));
    await respond({ response_type: 'ephemeral', text: view.text, blocks: view.blocks as never });
    log.info('answered /auth-audit');
  });
}
