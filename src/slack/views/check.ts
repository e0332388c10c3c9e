// A runbook row's check result as Block Kit: verdict, summary, findings (cut to fit). Pure.
import type { CheckResult } from '../../domain/checks/types.js';
import type { ErrorDescription } from '../../errors.js';
import { escapeMrkdwn, LIMITS, truncate } from './limits.js';

export interface CheckView {
  text: string;
  blocks: Record<string, unknown>[];
}

const MAX_FINDINGS = 25;
const FINDINGS_BUDGET = 2800;
const inline = (text: string, max: number) =>
  escapeMrkdwn(truncate(text.replace(/\s+/g, ' ').replace(/`/g, "'"), max));

function verdict(confirmed: boolean | null): string {
  if (confirmed === true) return ':rotating_light: *Confirmed*';
  if (confirmed === false) return ':white_check_mark: *Not confirmed*';
  return ':grey_question: *Cannot check automatically*';
}

export function checkView(result: CheckResult): CheckView {
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(`Check: ${result.row}`, LIMITS.headerText) },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(`${verdict(result.confirmed)}\n${inline(result.summary, 1500)}`, LIMITS.sectionText),
      },
    },
  ];
  if (result.findings.length > 0) {
    const lines: string[] = [];
    let size = 0;
    for (const f of result.findings.slice(0, MAX_FINDINGS)) {
      const line = `• ${inline(f, 300)}`;
      if (size + line.length + 1 > FINDINGS_BUDGET) break;
      lines.push(line);
      size += line.length + 1;
    }
    const left = result.findings.length - lines.length;
    if (left > 0) lines.push(`…and ${left} more`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Read-only check. Same from a terminal: \`auth-bot check ${inline(result.row, 60)}\``,
      },
    ],
  });
  const word =
    result.confirmed === true ? 'confirmed' : result.confirmed === false ? 'not confirmed' : 'cannot check';
  return {
    text: truncate(escapeMrkdwn(`Check ${result.row}: ${word}. ${result.summary}`), LIMITS.fallbackText),
    blocks,
  };
}

export function checkErrorView(row: string, d: ErrorDescription): CheckView {
  const lines = [`:x: ${inline(d.message, 1500)}`];
  if (d.runbook) lines.push(`*Runbook:* \`${inline(d.runbook, 60)}\``);
  if (d.hint) lines.push(inline(d.hint, 800));
  return {
    text: truncate(escapeMrkdwn(`Check ${row}: ${d.message}`), LIMITS.fallbackText),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(`Check: ${row}`, LIMITS.headerText) } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), LIMITS.sectionText) } },
    ],
  };
}
