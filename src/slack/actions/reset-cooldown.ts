// Clicks that ask for a cooldown reset: "Request fix" next to a cooling-down credential in /auth-status
// (action_id reset_cooldown:<n>, value = credential name) and the pick from the list offered when several
// credentials cool down (static_select reset_cooldown_pick, option value = credential name).
import type { App, BlockButtonAction, BlockStaticSelectAction } from '@slack/bolt';
import type { ApprovalEngine } from '../../approvals/engine.js';
import type { Logger } from '../../logger.js';
import { RESET_COOLDOWN_PICK, RESET_COOLDOWN_PREFIX } from '../views/cooldown.js';

export interface ResetCooldownActionDeps {
  engine: Pick<ApprovalEngine, 'requestCooldownReset'>;
  logger: Logger;
}

const BUTTON_PATTERN = new RegExp(`^${RESET_COOLDOWN_PREFIX}`);

export function registerResetCooldownActions(app: App, deps: ResetCooldownActionDeps): void {
  const handle = async (
    kind: 'status' | 'pick',
    credential: string,
    body: { user: { id: string }; channel?: { id: string }; container?: { channel_id?: string } },
  ) => {
    const userId = body.user.id;
    const channel = body.channel?.id ?? body.container?.channel_id ?? '';
    const log = deps.logger.child({ action: 'reset_cooldown', via: kind, user: userId, channel });
    try {
      const r = await deps.engine.requestCooldownReset({
        userId,
        channel,
        credential,
        source: kind === 'status' ? 'status' : 'pick',
      });
      log.info(
        r.ok ? { requestId: r.request.id } : { refused: r.reason.slice(0, 200) },
        'handled cooldown reset',
      );
    } catch (err) {
      log.error({ err }, 'cooldown reset request failed');
    }
  };
  app.action<BlockButtonAction>(BUTTON_PATTERN, async ({ ack, body, action }) => {
    await ack();
    await handle('status', action.value ?? '', body);
  });
  app.action<BlockStaticSelectAction>(RESET_COOLDOWN_PICK, async ({ ack, body, action }) => {
    await ack();
    await handle('pick', action.selected_option?.value ?? '', body);
  });
}
