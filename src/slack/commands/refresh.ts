// /auth-refresh PROVIDER [CREDENTIAL]: ack at once, then the engine posts the approval request in the channel.
import type { App } from '@slack/bolt';
import type { ApprovalEngine } from '../../approvals/engine.js';
import type { Logger } from '../../logger.js';

export interface RefreshCommandDeps {
  engine: Pick<ApprovalEngine, 'requestRefresh'>;
  logger: Logger;
}

export function registerRefreshCommand(app: App, deps: RefreshCommandDeps): void {
  app.command('/auth-refresh', async ({ command, ack }) => {
    await ack();
    const log = deps.logger.child({
      command: '/auth-refresh',
      user: command.user_id,
      channel: command.channel_id,
    });
    // an error goes to the router's guard, which answers the user with a reference and logs it
    const result = await deps.engine.requestRefresh({
      userId: command.user_id,
      channel: command.channel_id,
      text: command.text ?? '',
    });
    log.info(
      result.ok ? { requestId: result.request.id } : { refused: result.reason },
      'handled /auth-refresh',
    );
  });
}
