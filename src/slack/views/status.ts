// /auth-status as Block Kit: the proxy's line, credentials with problems first (each with its runbook
// rows), healthy ones summarised, and an honest count of what was left out. Pure; fits Slack's limits
// for any number of credentials.

import type { CredentialStatus, StatusReport } from '../../domain/status.js';
import type { ErrorDescription } from '../../errors.js';
import { escapeMrkdwn, LIMITS, truncate } from './limits.js';
import { CHECK_RUN_PREFIX } from './why.js';

export interface StatusView {
  text: string;
  blocks: Record<string, unknown>[];
}

const LINE_MAX = 400;
const SECTION_BUDGET = 2800;
const PROBLEM_TEXT_BUDGET = 7000; // of the ~12k characters a message may hold
const MAX_PROBLEM_SECTIONS = 20;
const MAX_CHECK_BUTTONS = 5;

const inline = (text: string, max = LINE_MAX) =>
  escapeMrkdwn(truncate(text.replace(/\s+/g, ' ').replace(/`/g, "'"), max));
const section = (text: string) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) },
});
const context = (text: string) => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) }],
});

function serverLine(report: StatusReport): string {
  const s = report.server;
  const head = `*Proxy* \`${inline(s.url, 200)}\`: ${s.reachable ? 'reachable' : '*unreachable*'}${s.version ? `, build \`${inline(s.version, 80)}\`` : ''}`;
  if (!s.error) return head;
  const lines = [head, `:x: ${inline(s.error.message, 1200)}`];
  if (s.error.runbook) lines.push(`*Runbook:* \`${inline(s.error.runbook, 60)}\``);
  if (s.error.hint) lines.push(inline(s.error.hint, 800));
  return lines.join('\n');
}

function credentialLine(c: CredentialStatus): string {
  const facts = [
    c.provider,
    c.disabled ? 'disabled' : c.status,
    c.expiresAt ? `expires ${c.expiresAt}` : 'expiry unknown',
  ];
  const runbook =
    c.runbook.length > 0 ? ` · runbook: ${c.runbook.map((r) => `\`${inline(r, 60)}\``).join(', ')}` : '';
  return truncate(
    `:warning: *${inline(c.name, 120)}* (${inline(facts.join(', '), 120)}): ${inline(c.problems.map((p) => p.text).join('; '), 220)}${runbook}`,
    LINE_MAX,
  );
}

/** Packs lines into sections under the per-section and total budgets; returns how many lines fit. */
function packLines(lines: string[]): { sections: Record<string, unknown>[]; shown: number } {
  const sections: Record<string, unknown>[] = [];
  let current: string[] = [];
  let size = 0;
  let total = 0;
  let shown = 0;
  for (const line of lines) {
    if (total + line.length > PROBLEM_TEXT_BUDGET) break;
    if (size + line.length + 1 > SECTION_BUDGET) {
      if (sections.length + 1 >= MAX_PROBLEM_SECTIONS) break;
      sections.push(section(current.join('\n')));
      current = [];
      size = 0;
    }
    current.push(line);
    size += line.length + 1;
    total += line.length + 1;
    shown++;
  }
  if (current.length > 0) sections.push(section(current.join('\n')));
  return { sections, shown };
}

function checkButtons(rows: string[]): Record<string, unknown> | undefined {
  if (rows.length === 0) return undefined;
  return {
    type: 'actions',
    elements: rows.slice(0, MAX_CHECK_BUTTONS).map((row) => ({
      type: 'button',
      action_id: `${CHECK_RUN_PREFIX}${row}`.slice(0, LIMITS.actionId),
      text: { type: 'plain_text', text: truncate(`Check ${row}`, LIMITS.buttonText) },
      value: row,
    })),
  };
}

/** "Read from the proxy at 09:59:21 UTC", shown by Slack in the reader's own time zone. */
export function readAtText(readAt: number): string {
  const label = 'Read from the proxy at';
  const utc = new Date(readAt).toISOString().slice(11, 19);
  return `<!date^${Math.floor(readAt / 1000)}^${label} {time_secs}|${label} ${utc} UTC>.`;
}

export function statusView(
  report: StatusReport,
  options: { provider?: string | undefined; readAt?: number } = {},
): StatusView {
  const title = options.provider ? `Proxy status: ${options.provider}` : 'Proxy status';
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, LIMITS.headerText) } },
    section(serverLine(report)),
  ];
  const creds = report.credentials;
  const bad = creds.filter((c) => c.problems.length > 0);
  const good = creds.filter((c) => c.problems.length === 0);
  if (!report.server.error) {
    blocks.push(
      context(
        creds.length === 0
          ? 'No credentials.'
          : `${creds.length} credential(s): ${bad.length} with problems, ${good.length} healthy.`,
      ),
    );
  }
  const { sections, shown } = packLines(bad.map(credentialLine));
  blocks.push(...sections);
  if (shown < bad.length) {
    blocks.push(
      context(
        `…and ${bad.length - shown} more credential(s) with problems not shown here: run \`auth-bot status${options.provider ? ` ${inline(options.provider, 40)}` : ''} --json\` for the full list.`,
      ),
    );
  }
  if (good.length > 0) {
    const names = good.map((c) => inline(c.name, 80));
    let list = '';
    let listed = 0;
    for (const n of names) {
      if (list.length + n.length > 1500) break;
      list += `${listed > 0 ? ', ' : ''}${n}`;
      listed++;
    }
    const more = good.length - listed > 0 ? ` and ${good.length - listed} more` : '';
    blocks.push(section(`:white_check_mark: *${good.length} healthy:* ${list}${more}`));
  }
  const rows = [...new Set(bad.flatMap((c) => c.runbook))];
  const buttons = checkButtons(rows);
  if (buttons) blocks.push(buttons);
  if (options.readAt !== undefined) blocks.push(context(readAtText(options.readAt)));
  const text = report.server.error
    ? `Proxy status: ${escapeMrkdwn(report.server.error.message)}`
    : `Proxy status: ${creds.length} credential(s), ${bad.length} with problems.`;
  return { text: truncate(text, LIMITS.fallbackText), blocks };
}

/** When the status could not be gathered at all (deadline, bug): what happened, which row, what to do. */
export function statusErrorView(d: ErrorDescription, options: { url?: string } = {}): StatusView {
  const lines = [`:x: ${inline(d.message, 1500)}`];
  if (options.url) lines.unshift(`*Proxy* \`${inline(options.url, 200)}\``);
  if (d.runbook) lines.push(`*Runbook:* \`${inline(d.runbook, 60)}\``);
  if (d.hint) lines.push(inline(d.hint, 800));
  return {
    text: truncate(`Proxy status: ${escapeMrkdwn(d.message)}`, LIMITS.fallbackText),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Proxy status' } },
      section(lines.join('\n')),
    ],
  };
}
