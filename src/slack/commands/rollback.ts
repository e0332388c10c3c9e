// /auth-rollback [SNAPSHOT]: without an argument, list recent config snapshots and what differs from the
// live config; with one, ask the approval engine for a rollback request (posted in the channel).
import type { App } from '@slack/bolt';
import type { ApprovalEngine } from '../../approvals/engine.js';
import type { ManagementClient } from '../../cliproxy/types.js';
import type { Logger } from '../../logger.js';
import { listSnapshotRows } from '../../snapshots/list.js';
import { isSnapshotId } from '../../snapshots/snapshot-id.js';
import type { Store } from '../../store/types.js';
import { ROLLBACK_USAGE, snapshotsView } from '../views/snapshots.js';

export interface RollbackCommandDeps {
  engine: Pick<ApprovalEngine, 'requestAction'>;
  store: Pick<Store, 'listSnapshots'>;
  client: Pick<ManagementClient, 'getConfigYaml'>;
  logger: Logger;
}

export type RollbackCommand =
  | { kind: 'list' }
  | { kind: 'request'; snapshotId: string }
  | { kind: 'usage'; error: string };

export function parseRollbackCommand(text: string): RollbackCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || (words.length === 1 && /^(list|ls)$/i.test(words[0] ?? '')))
    return { kind: 'list' };
  if (words.length === 1 && /^(help|-h|--help|\?)$/i.test(words[0] ?? ''))
    return { kind: 'usage', error: ROLLBACK_USAGE };
  const id = words[0] ?? '';
  if (words.length > 1) return { kind: 'usage', error: `Too many arguments. ${ROLLBACK_USAGE}` };
  if (!isSnapshotId(id))
    return {
      kind: 'usage',
      error: `"${id.slice(0, 40)}" is not a snapshot id (like 20260829-101500-ab12). ${ROLLBACK_USAGE}`,
    };
  return { kind: 'request', snapshotId: id };
}

export function registerRollbackCommand(app: App, deps: RollbackCommandDeps): void {
  app.command('/auth-rollback', async ({ command, ack, respond }) => {
    await ack();
    const log = deps.logger.child({
      command: '/auth-rollback',
      user: command.user_id,
      channel: command.channel_id,
    });
    // an error goes to the router's guard, which answers the user with a reference and logs it
    const parsed = parseRollbackCommand(command.text ?? '');
    if (parsed.kind === 'usage') {
      await respond({ response_type: 'ephemeral', text: parsed.error });
      return;
    }
    if (parsed.kind === 'list') {
      const listing = await listSnapshotRows(deps.store, deps.client);
      const view = snapshotsView(listing);
      log.info(
        { snapshots: listing.rows.length, compared: listing.liveError === undefined },
        'listed snapshots',
      );
      await respond({ response_type: 'ephemeral', text: view.text, blocks: view.blocks as never });
      return;
    }
    const result = await deps.engine.requestAction({
      userId: command.user_id,
      channel: command.channel_id,
      action: 'rollback',
      provider: 'config',
      credential: undefined,
      args: { snapshotId: parsed.snapshotId },
    });
    log.info(
      result.ok ? { requestId: result.request.id } : { refused: result.reason },
      'handled /auth-rollback',
    );
  });
}

/** main.ts's registrar: /auth-rollback once the approval engine exists (it does after approvals.register). */
export function registerRollback(
  app: App,
  engine: Pick<ApprovalEngine, 'requestAction'> | undefined,
  deps: Omit<RollbackCommandDeps, 'engine'>,
): void {
  if (!engine) {
    deps.logger.warn('approval engine missing: /auth-rollback not registered');
    return;
  }
  registerRollbackCommand(app, { ...deps, engine });
}
