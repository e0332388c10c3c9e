// /auth-why TEXT: look a symptom up in the runbook. Ack first, then answer ephemerally.
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { defaultRedactor } from '../../domain/redact.js';
import { closestRows, matchRunbook } from '../../domain/runbook/match.js';
import type { Runbook } from '../../domain/runbook/schema.js';
import { whyHelpView, whyNoMatchView, whyResultView } from '../views/why.js';

export interface WhyDeps {
  runbook: Runbook;
  logger: Logger;
}

/** What /auth-why answers for a given text: help, matches, or no match with suggestions. */
export function answerWhy(
  runbook: Runbook,
  text: string,
): { text: string; blocks: unknown[]; matched: boolean } {
  // people paste log lines: never echo a token from them back into chat (or into the Share button)
  const query = defaultRedactor.text(text.trim());
  if (query === '' || /^(help|-h|--help|\?)$/i.test(query)) return { ...whyHelpView(runbook), matched: true };
  const result = matchRunbook(runbook, query);
  if (result.matches.length > 0) return { ...whyResultView(result), matched: true };
  return { ...whyNoMatchView(query, closestRows(runbook, query, 3)), matched: false };
}

export function registerWhyCommand(app: App, deps: WhyDeps): void {
  app.command('/auth-why', async ({ command, ack, respond }) => {
    await ack();
    const log = deps.logger.child({
      command: '/auth-why',
      user: command.user_id,
      channel: command.channel_id,
    });
    const view = answerWhy(deps.runbook, command.text ?? '');
    log.info({ matched: view.matched }, 'answered /auth-why');
    await respond({ response_type: 'ephemeral', text: view.text, blocks: view.blocks as never });
  });
}
