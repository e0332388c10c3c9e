// "Request fix" on an /auth-why answer (action_id fix_request:<row id>, value = row id): the row's
// `action` says which approval-gated action to request.
import type { App, BlockButtonAction } from '@slack/bolt';
import type { ApprovalEngine } from '../../approvals/engine.js';
import type { Runbook } from '../../domain/runbook/schema.js';
import type { Logger } from '../../logger.js';

export const FIX_REQUEST_PATTERN = /^fix_request:/;

export interface FixRequestDeps {
  engine: Pick<ApprovalEngine, 'requestFix'>;
  runbook: Pick<Runbook, 'rows'>;
  logger: Logger;
}

export function registerFixRequestAction(app: App, deps: FixRequestDeps): void {
  app.action<BlockButtonAction>(FIX_REQUEST_PATTERN, async ({ ack, body, action }) => {
    await ack();
    const rowId = action.action_id.replace(FIX_REQUEST_PATTERN, '');
    const userId = body.user.id;
    const channel = body.channel?.id ?? body.container?.channel_id ?? '';
    const log = deps.logger.child({ action: 'fix_request', row: rowId, user: userId, channel });
    const row = deps.runbook.rows.find((r) => r.id === rowId);
    // an error goes to the router's guard, which answers the user with a reference and logs it
    const r = await deps.engine.requestFix({ rowId, action: row?.action, userId, channel });
    log.info(r.ok ? { requestId: r.request.id } : { refused: r.reason }, 'handled fix request');
  });
}
