// The "Share in channel" button on an /auth-why answer: posts the same answer, without buttons, in the channel.
import type { App, BlockButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Runbook } from '../../domain/runbook/schema.js';
import { answerWhy } from '../commands/why.js';

export function registerWhyShareAction(app: App, deps: { runbook: Runbook; logger: Logger }): void {
  app.action<BlockButtonAction>('why_share', async ({ ack, body, action, respond }) => {
    await ack();
    const view = answerWhy(deps.runbook, action.value ?? '');
    const blocks = (view.blocks as { type: string }[]).filter((b) => b.type !== 'actions');
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Shared by <@${body.user.id}> from /auth-why` }],
    } as never);
    await respond({
      response_type: 'in_channel',
      replace_original: false,
      text: view.text,
      blocks: blocks as never,
    });
  });
}
