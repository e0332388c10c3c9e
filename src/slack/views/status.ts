// /auth-status as Block Kit: the proxy's line, credentials with problems first (each with its runbook
// rows), healthy ones summarised, and an honest count of what was left out. Pure; fits Slack's limits
// for any number of credentials.

import { MAX_CREDENTIAL_NAME } from '../../domain/actions/reset-cooldown.js';
import { formatClock, RESET_COOLDOWN_ACTION, relative } from '../../domain/credential-state.js';
import type { CredentialStatus, StatusReport } from '../../domain/status.js';
import type { ErrorDescription } from '../../errors.js';
import { RESET_COOLDOWN_PREFIX } from './cooldown.js';
import { escapeMrkdwn, LIMITS, truncate } from './limits.js';
import { CHECK_RUN_PREFIX, FIX_REQUEST_PREFIX } from './why.js';

export interface StatusView {
  text: string;
  blocks: Record<string, unknown>[];
}

const LINE_MAX = 400;
const SECTION_BUDGET = 2800;
const PROBLEM_TEXT_BUDGET = 7000; // of the ~12k characters a message may hold
const MAX_PROBLEM_SECTIONS = 20;
const MAX_CHECK_BUTTONS = 5;
const MAX_FIX_BUTTONS = 5;
/** Credentials shown in a section of their own with a Request fix button. */
const MAX_FIX_SECTIONS = 10;
/** Healthy credentials are listed one per line while they fit in this, else counted per provider. */
const HEALTHY_TEXT_BUDGET = 2400;

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

/** "expires in 3 h (13:00 UTC)", "expired 2 h ago (Apr 30 08:00 UTC)", "expiry unknown". */
function expiryText(expiresAt: string | undefined, now: number | undefined): string {
  if (!expiresAt) return 'expiry unknown';
  const at = Date.parse(expiresAt);
  if (now === undefined || Number.isNaN(at)) return `expires ${expiresAt}`;
  return at > now
    ? `expires ${relative(at, now)} (${formatClock(at, now)})`
    : `expired ${relative(at, now)} (${formatClock(at, now)})`;
}

function refreshText(lastRefresh: string | undefined, now: number | undefined): string {
  if (!lastRefresh) return 'last refresh unknown';
  const at = Date.parse(lastRefresh);
  if (now === undefined || Number.isNaN(at)) return `last refresh ${lastRefresh}`;
  return `last refresh ${relative(at, now)}`;
}

const CONDITIONS = new Set(['cooldown', 'stale-cooldown', 'suspended']);

/** One line per credential: its state in words, time to expiry, last refresh, rows and fixes. */
function credentialLine(c: CredentialStatus, now: number | undefined, rowActions: RowActions): string {
  const condition = c.problems.find((p) => CONDITIONS.has(p.code));
  const state = condition ? condition.text : (c.stateText ?? (c.disabled ? 'disabled' : c.status));
  const others = c.problems.filter((p) => p !== condition).map((p) => p.text);
  const facts = [state, expiryText(c.expiresAt, now), refreshText(c.lastRefresh, now)];
  const fixes = [
    ...new Set(c.problems.flatMap((p) => [p.action, ...p.runbook.map((r) => rowActions[r])]).filter(Boolean)),
  ];
  const rows =
    c.runbook.length > 0 ? ` · runbook: ${c.runbook.map((r) => `\`${inline(r, 60)}\``).join(', ')}` : '';
  const fixText = fixes.length > 0 ? ` · fix: ${fixes.join(', ')}` : '';
  const human = c.problems.some((p) => p.code === 'suspended') ? ' · needs a human' : '';
  const mark = c.problems.length > 0 ? ':warning:' : ':white_check_mark:';
  return truncate(
    `${mark} *${inline(c.name, 120)}* (${inline(c.provider, 40)}): ${inline(facts.join(' · '), 220)}${others.length ? ` · ${inline(others.join('; '), 160)}` : ''}${rows}${fixText}${human}`,
    LINE_MAX,
  );
}

/** The row → action map of the runbook (for "fix: refresh" after a row). */
export type RowActions = Readonly<Record<string, string | undefined>>;

/** A credential that can have its cooldown reset: its own section with a Request fix button. */
function cooldownFixSection(line: string, c: CredentialStatus, i: number): Record<string, unknown> {
  return {
    ...section(line),
    accessory: {
      type: 'button',
      action_id: `${RESET_COOLDOWN_PREFIX}${i}`,
      text: { type: 'plain_text', text: 'Request fix' },
      value: c.name,
    },
  };
}

const canReset = (c: CredentialStatus) =>
  c.name.length <= MAX_CREDENTIAL_NAME && c.problems.some((p) => p.action === RESET_COOLDOWN_ACTION);

/** "kiro 400, iflow 600". */
function perProvider(creds: readonly CredentialStatus[]): string {
  const counts = new Map<string, number>();
  for (const c of creds) counts.set(c.provider, (counts.get(c.provider) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 30)
    .map(([p, n]) => `${inline(p, 40)} ${n}`)
    .join(', ');
}

/** Packs lines into sections under the per-section and total budgets; returns how many lines fit. */
function packLines(
  lines: string[],
  budget = PROBLEM_TEXT_BUDGET,
  maxSections = MAX_PROBLEM_SECTIONS,
): { sections: Record<string, unknown>[]; shown: number } {
  const sections: Record<string, unknown>[] = [];
  let current: string[] = [];
  let size = 0;
  let total = 0;
  let shown = 0;
  for (const line of lines) {
    if (total + line.length > budget) break;
    if (size + line.length + 1 > SECTION_BUDGET) {
      if (sections.length + 1 >= maxSections) break;
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

function rowButtons(rows: string[], rowActions: RowActions): Record<string, unknown> | undefined {
  const button = (prefix: string, row: string, text: string) => ({
    type: 'button',
    action_id: `${prefix}${row}`.slice(0, LIMITS.actionId),
    text: { type: 'plain_text', text: truncate(text, LIMITS.buttonText) },
    value: row,
  });
  // reset-cooldown is offered per credential (its own button); other row actions once per row
  const fixable = rows.filter((r) => rowActions[r] !== undefined && rowActions[r] !== RESET_COOLDOWN_ACTION);
  const elements = [
    ...rows.slice(0, MAX_CHECK_BUTTONS).map((row) => button(CHECK_RUN_PREFIX, row, `Check ${row}`)),
    ...fixable.slice(0, MAX_FIX_BUTTONS).map((row) => button(FIX_REQUEST_PREFIX, row, `Request fix: ${row}`)),
  ];
  return elements.length > 0 ? { type: 'actions', elements } : undefined;
}

/** "Read from the proxy at 09:59:21 UTC", shown by Slack in the reader's own time zone. */
export function readAtText(readAt: number): string {
  const label = 'Read from the proxy at';
  const utc = new Date(readAt).toISOString().slice(11, 19);
  return `<!date^${Math.floor(readAt / 1000)}^${label} {time_secs}|${label} ${utc} UTC>.`;
}

export interface StatusViewOptions {
  provider?: string | undefined;
  /** When the report was read; also the "now" of "expires in 3 h" (views are pure). */
  readAt?: number;
  /** Runbook row id → its approval-gated action, to name the fix and offer Request fix. */
  rowActions?: RowActions;
}

/**
 * Summary first; then every credential with a problem (those whose cooldown can be reset in a section of
 * their own with Request fix); then the healthy ones, one line each while they fit, else counted per
 * provider. Fits Slack's limits for any number of credentials.
 */
export function statusView(report: StatusReport, options: StatusViewOptions = {}): StatusView {
  const title = options.provider ? `Proxy status: ${options.provider}` : 'Proxy status';
  const now = options.readAt;
  const rowActions = options.rowActions ?? {};
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
          : `${creds.length} credential(s): ${bad.length} with problems, ${good.length} healthy${good.length ? ` (${perProvider(good)})` : ''}.`,
      ),
    );
  }
  // problem credentials whose cooldown can be reset first, each with its button
  const ordered = [...bad.filter(canReset), ...bad.filter((c) => !canReset(c))];
  let used = 0;
  let shown = 0;
  for (const [i, c] of ordered.entries()) {
    if (i >= MAX_FIX_SECTIONS || !canReset(c)) break;
    const line = credentialLine(c, now, rowActions);
    blocks.push(cooldownFixSection(line, c, i));
    used += line.length;
    shown++;
  }
  const packed = packLines(
    ordered.slice(shown).map((c) => credentialLine(c, now, rowActions)),
    PROBLEM_TEXT_BUDGET - used,
    MAX_PROBLEM_SECTIONS - shown,
  );
  blocks.push(...packed.sections);
  shown += packed.shown;
  if (shown < bad.length) {
    blocks.push(
      context(
        `…and ${bad.length - shown} more credential(s) with problems not shown here: run \`auth-bot status${options.provider ? ` ${inline(options.provider, 40)}` : ''} --json\` for the full list.`,
      ),
    );
  }
  if (good.length > 0) {
    const lines = good.map((c) => credentialLine(c, now, rowActions));
    const fits = lines.reduce((n, l) => n + l.length + 1, 0) <= HEALTHY_TEXT_BUDGET;
    blocks.push(
      fits
        ? section(`*${good.length} healthy:*\n${lines.join('\n')}`)
        : section(
            `:white_check_mark: *${good.length} healthy:* ${perProvider(good)} (run \`auth-bot status --json\` for each one)`,
          ),
    );
  }
  const rows = [...new Set(bad.flatMap((c) => c.runbook))];
  const buttons = rowButtons(rows, rowActions);
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
