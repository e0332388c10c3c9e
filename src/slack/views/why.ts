// The /auth-why answers as Block Kit: matched rows (with check / fix / share buttons), help, no match.
// Pure functions; every text is cut to fit Slack's limits, whatever the runbook or the query holds.
import type { MatchResult, RowMatchResult } from '../../domain/runbook/match.js';
import type { ActionName, Runbook, RunbookRow } from '../../domain/runbook/schema.js';
import { escapeMrkdwn, LIMITS, truncate } from './limits.js';

export interface WhyView {
  /** Plain fallback for notifications and clients without blocks. */
  text: string;
  blocks: Record<string, unknown>[];
}

export interface WhyViewOptions {
  /** Rows shown (default and maximum 3). */
  maxRows?: number;
  /** Buttons (share, run check, request fix); off for the copy shared in the channel. Default on. */
  interactive?: boolean;
}

export const WHY_SHARE_ACTION = 'why_share';
export const CHECK_RUN_PREFIX = 'check_run:';
export const FIX_REQUEST_PREFIX = 'fix_request:';

const MAX_ROWS = 3;
const BUDGET = {
  query: 200,
  symptom: 300,
  confirm: 1100,
  fix: 1100,
  reasons: 600,
  scope: 300,
  listLine: 160,
} as const;
const HELP_TEXT_BUDGET = 9000;
const ACTION_LABELS: Record<ActionName, string> = {
  refresh: 'refresh',
  relogin: 're-login',
  reenable: 're-enable',
  rollback: 'rollback',
  'reset-cooldown': 'reset cooldown',
};

/** Text safe inside mrkdwn and inside `code`: escaped, backticks and line breaks neutralised, cut. */
function inline(text: string, max: number): string {
  return escapeMrkdwn(truncate(text.replace(/\s+/g, ' ').replace(/`/g, "'"), max));
}

const section = (text: string) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) },
});
const context = (text: string) => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: truncate(text, 2000) }],
});
const button = (text: string, actionId: string, value: string) => ({
  type: 'button',
  text: { type: 'plain_text', text: truncate(text, LIMITS.buttonText) },
  action_id: truncate(actionId, LIMITS.actionId),
  value: truncate(value, LIMITS.buttonValue),
});

function rowBlocks(m: RowMatchResult, position: number, interactive: boolean): Record<string, unknown>[] {
  const { row } = m;
  const fixBy =
    row.action === undefined
      ? ''
      : `\n_The bot can run this fix (${ACTION_LABELS[row.action]}), after approval._`;
  const scope = row.scope === undefined ? '' : `\nScope: ${inline(row.scope, BUDGET.scope)}`;
  const blocks: Record<string, unknown>[] = [
    section(
      `*${position}. ${inline(row.symptom, BUDGET.symptom)}*  \`${inline(row.id, 80)}\`  score ${m.score.toFixed(2)}\n` +
        `*How to confirm:* ${escapeMrkdwn(truncate(row.confirm, BUDGET.confirm))}\n` +
        `*Fix:* ${escapeMrkdwn(truncate(row.fix, BUDGET.fix))}${fixBy}`,
    ),
    context(`Why it matched: ${inline(m.reasons.join('; ') || 'close wording', BUDGET.reasons)}${scope}`),
  ];
  const buttons: Record<string, unknown>[] = [];
  if (interactive && row.check !== undefined)
    buttons.push(button('Run check', `${CHECK_RUN_PREFIX}${row.id}`, row.id));
  if (interactive && row.action !== undefined)
    buttons.push(button('Request fix', `${FIX_REQUEST_PREFIX}${row.id}`, row.id));
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  return blocks;
}

/** The rows that fit a query: symptom, how to confirm, fix, why it matched; buttons for what the bot can do. */
export function whyResultView(result: MatchResult, options: WhyViewOptions = {}): WhyView {
  const interactive = options.interactive ?? true;
  const shown = result.matches.slice(0, Math.min(MAX_ROWS, Math.max(1, options.maxRows ?? MAX_ROWS)));
  const blocks: Record<string, unknown>[] = [
    section(`*Runbook rows for* \`${inline(result.query, BUDGET.query)}\``),
  ];
  shown.forEach((m, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push(...rowBlocks(m, i + 1, interactive));
  });
  const hidden = result.matches.slice(shown.length);
  if (hidden.length > 0) {
    blocks.push(context(`Also matched: ${inline(hidden.map((m) => m.row.id).join(', '), 500)}`));
  }
  if (interactive) {
    blocks.push({
      type: 'actions',
      elements: [button('Share in channel', WHY_SHARE_ACTION, result.query)],
    });
  }
  const summary = shown.map((m) => `${m.row.id}: ${truncate(m.row.symptom, 200)}`).join('; ');
  return { text: truncate(`Runbook: ${summary}`, LIMITS.fallbackText), blocks };
}

/** Every known symptom with its id, packed into as few sections as fit. */
function listBlocks(rows: readonly RunbookRow[]): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  let current = '';
  let used = 0;
  for (const [i, row] of rows.entries()) {
    const line = `• \`${inline(row.id, 80)}\` ${inline(row.symptom, BUDGET.listLine)}`;
    if (used + line.length > HELP_TEXT_BUDGET) {
      current += `\n…and ${rows.length - i} more in the runbook file.`;
      break;
    }
    used += line.length + 1;
    if (current.length + line.length + 1 > LIMITS.sectionText - 100) {
      blocks.push(section(current));
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
  }
  if (current !== '') blocks.push(section(current));
  return blocks;
}

/** `/auth-why` with no text: how to use it, and the symptoms it knows. */
export function whyHelpView(runbook: Runbook): WhyView {
  const blocks = [
    section(
      '*Usage:* `/auth-why TEXT`: a status code, the error text as logged, a provider or a route.\n' +
        'Examples: `/auth-why 401`, `/auth-why refresh returns 404`, ' +
        '`/auth-why iflow executor: token refresh failed`',
    ),
    section(`*Known symptoms* (${runbook.rows.length}):`),
    ...listBlocks(runbook.rows),
  ];
  return {
    text: `Usage: /auth-why TEXT. ${runbook.rows.length} known symptoms: ${truncate(runbook.rows.map((r) => r.id).join(', '), 2000)}`,
    blocks,
  };
}

/** Nothing fits: say so plainly, offer the nearest rows. */
export function whyNoMatchView(query: string, suggestions: readonly RunbookRow[]): WhyView {
  const blocks: Record<string, unknown>[] = [
    section(`No runbook row matches \`${inline(query, BUDGET.query)}\`.`),
  ];
  const near = suggestions.slice(0, 5);
  if (near.length > 0) {
    const lines = near.map((r) => `• \`${inline(r.id, 80)}\` ${inline(r.symptom, BUDGET.listLine)}`);
    blocks.push(section(`*Did you mean:*\n${lines.join('\n')}`));
  }
  blocks.push(
    context(
      'Try a status code (`401`), the error text as logged, or a provider name. `/auth-why` alone lists every symptom.',
    ),
  );
  const didYouMean = near.length > 0 ? ` Did you mean: ${near.map((r) => r.id).join(', ')}?` : '';
  return {
    text: truncate(`No runbook row matches "${truncate(query, 200)}".${didYouMean}`, LIMITS.fallbackText),
    blocks,
  };
}
