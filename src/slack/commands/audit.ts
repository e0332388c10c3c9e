// /auth-audit: recent requests and their outcome, ephemerally.
import type { App } from '@slack/bolt';
import { listAuditRows } from '../../approvals/audit-summary.js';
import type { Logger } from '../../logger.js';
import type { Store } from '../../store/types.js';
import { renderAudit } from '../views/audit.js';

export interface AuditCommandDeps {
  store: Store;
  logger: Logger;
}

export function registerAuditCommand(app: App, deps: AuditCommandDeps): void {
  app.command('/auth-audit', async ({ command, ack, respond }) => {
    await ack();
    const log = deps.logger.child({
      command: '/auth-audit',
      user: command.user_id,
      channel: command.channel_id,
    });
    try {
      const view = renderAudit(await listAuditRows(deps.store, 20));
      await respond({ response_type: 'ephemeral', text: view.text, blocks: view.blocks as never });
      log.info('answered /auth-audit');
    } catch (err) {
      log.error({ err }, '/auth-audit failed');
      await respond({
        response_type: 'ephemeral',
        text: 'Could not read the audit trail; see the bot log.',
      }).catch(() => undefined);
    }
  });
}
