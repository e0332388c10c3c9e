// Buttons `check_run:<row>` (value: the row id): ack, run the row's read-only check, answer ephemerally.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ManagementClient } from '../../cliproxy/types.js';
import { hasCheck, runCheck } from '../../domain/checks/index.js';
import type { CheckDeps } from '../../domain/checks/types.js';
import { AppError, describeError } from '../../errors.js';
import { withDeadline } from '../commands/status.js';
import { type CheckView, checkErrorView, checkView } from '../views/check.js';

export interface CheckActionDeps {
  proxy: ManagementClient;
  logger: Logger;
  now: () => number;
  clientKey?: string | undefined;
  canaryModel?: string | undefined;
  listSnapshots?: CheckDeps['listSnapshots'];
  /** Default 9 s: the canary may take up to 8 s. */
  deadlineMs?: number;
}

export const CHECK_ACTION_PATTERN = /^check_run:/;

/** What the button answers for a row id. Never throws. */
export async function answerCheck(deps: CheckActionDeps, row: string): Promise<CheckView> {
  try {
    if (!hasCheck(row)) throw new AppError('bad_usage', `No check for runbook row "${row.slice(0, 60)}".`);
    const result = await withDeadline(
      runCheck(row, {
        proxy: deps.proxy,
        now: deps.now,
        clientKey: deps.clientKey,
        canaryModel: deps.canaryModel,
        listSnapshots: deps.listSnapshots,
      }),
      deps.deadlineMs ?? 9000,
      `The ${row} check`,
    );
    return checkView(result);
  } catch (err) {
    deps.logger.warn({ err, row }, 'check failed');
    return checkErrorView(row, describeError(err));
  }
}

export function registerCheckAction(app: App, deps: CheckActionDeps): void {
  app.action<BlockAction<ButtonAction>>(CHECK_ACTION_PATTERN, async ({ action, body, ack, respond }) => {
    await ack();
    const row = action.value || action.action_id.replace(CHECK_ACTION_PATTERN, '');
    const log = deps.logger.child({
      action: 'check_run',
      row,
      user: body.user.id,
      channel: body.channel?.id,
    });
    const view = await answerCheck({ ...deps, logger: log }, row);
    log.info('answered check');
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: view.text,
      blocks: view.blocks as never,
    });
  });
}
