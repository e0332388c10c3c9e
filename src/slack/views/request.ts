// The approval request message, in every state of its life. Pure: request + votes in, Block Kit out.
import type { RequestParams, RequestResult } from '../../approvals/request-data.js';
import { paramsOf, resultOf } from '../../approvals/request-data.js';
import { fallbackTitle } from '../../domain/actions/refresh-plan.js';
import type { Check } from '../../domain/actions/types.js';
import type { CredentialState } from '../../domain/approvals/fingerprint.js';
import { STATE_EMOJI, STATE_LABELS } from '../../domain/approvals/state.js';
import { formatWhen } from '../../domain/approvals/vote.js';
import type { ApprovalRequest, Vote } from '../../store/types.js';
import { escapeMrkdwn, LIMITS, truncate } from './limits.js';

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

export const ACTION_TITLES: Record<ApprovalRequest['action'], string> = {
  refresh: 'Refresh',
  relogin: 'Re-login',
  reenable: 'Re-enable',
  rollback: 'Rollback',
  'reset-cooldown': 'Reset cooldown',
};

const MAX_CREDENTIAL_LINES = 20;

export function titleOf(request: ApprovalRequest, params: RequestParams = paramsOf(request)): string {
  // a planned refresh names what runs on builds without the seed route (every public build)
  const planned = request.action === 'refresh' && params.fallback ? ` (or ${fallbackTitle(params)})` : '';
  const flavour =
    request.action === 'refresh' && params.method === 'legacy' ? ' (legacy Kiro route)' : planned;
  const subject = request.params.subject; // plugged actions (rollback)
  const what = typeof subject === 'string' ? subject : (params.credential ?? params.provider);
  return `${ACTION_TITLES[request.action]}${flavour}: ${what}`;
}

/** "Verified", "Verification failed", "Failed", "Pending approval", ... */
export function stateLabel(request: ApprovalRequest): string {
  if (request.state === 'failed' && !resultOf(request).verification) return 'Failed';
  return STATE_LABELS[request.state];
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const field = (text: string) => ({ type: 'mrkdwn', text: truncate(text, LIMITS.fieldText) });

export function describeCredential(s: CredentialState): string {
  const status = s.disabled ? 'disabled' : `${s.status}${s.statusMessage ? ` (${s.statusMessage})` : ''}`;
  return `• \`${escapeMrkdwn(s.name)}\`: status ${escapeMrkdwn(status)}, expires ${s.expiresAt ?? 'unknown'}, last refresh ${s.lastRefresh ?? 'unknown'}`;
}

export function describeChecks(checks: readonly Check[]): string {
  return checks
    .map((c) => {
      const mark = c.skipped ? ':white_circle:' : c.ok ? ':white_check_mark:' : ':x:';
      const row = c.runbook && !c.ok ? ` (runbook: \`${c.runbook}\`)` : '';
      return `${mark} *${escapeMrkdwn(c.name)}*: ${escapeMrkdwn(c.detail)}${row}`;
    })
    .join('\n');
}

/** One line per credential, as many as fit in a section, then "…and N more". */
function credentialLines(states: readonly CredentialState[]): string[] {
  const lines: string[] = [];
  let used = 40;
  for (const st of states.slice(0, MAX_CREDENTIAL_LINES)) {
    const line = truncate(describeCredential(st), 400);
    if (used + line.length + 1 > LIMITS.sectionText - 60) break;
    lines.push(line);
    used += line.length + 1;
  }
  if (lines.length < states.length) lines.push(`…and ${states.length - lines.length} more`);
  return lines;
}

function statusLine(request: ApprovalRequest, votes: readonly Vote[]): string {
  const approvals = votes.filter((v) => v.decision === 'approve').map((v) => `<@${v.userId}>`);
  const label = `${STATE_EMOJI[request.state]} *${stateLabel(request)}*`;
  if (request.state === 'pending') {
    return `${label}: ${approvals.length} of ${request.approvalsRequired} approval(s)${approvals.length ? ` (${approvals.join(', ')})` : ''}. Expires ${formatWhen(request.expiresAt)}.`;
  }
  const by = request.decidedBy && request.decidedBy !== 'system' ? ` by <@${request.decidedBy}>` : '';
  const at = request.decidedAt ? ` at ${formatWhen(request.decidedAt)}` : '';
  return `${label}${request.state === 'expired' ? '' : `, decided${by}${at}`}.${approvals.length ? ` Approved by ${approvals.join(', ')}.` : ''}`;
}

function resultBlocks(result: RequestResult): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  const lines: string[] = [];
  if (result.reason) lines.push(`*Why:* ${escapeMrkdwn(result.reason)}`);
  if (result.outcome) lines.push(`*Action:* ${escapeMrkdwn(result.outcome)}`);
  if (result.runbook) lines.push(`*Runbook:* \`${result.runbook}\``);
  if (result.hint) lines.push(`*What to do:* ${escapeMrkdwn(result.hint)}`);
  if (lines.length) blocks.push(section(lines.join('\n')));
  if (result.checks?.length) blocks.push(section(`*Checks*\n${describeChecks(result.checks)}`));
  return blocks;
}

/** "Credentials affected", or a plugged action's own sections (rollback: changed blocks and masked diff). */
function pluggedSections(request: ApprovalRequest, creds: string[]): Record<string, unknown>[] {
  const sections = request.params.sections;
  if (Array.isArray(sections)) return sections.slice(0, 4).map((t) => section(String(t)));
  return [section(`*Credentials affected*\n${creds.length ? creds.join('\n') : 'none'}`)];
}

export function renderRequest(request: ApprovalRequest, votes: readonly Vote[] = []): SlackMessage {
  const params = paramsOf(request);
  const title = titleOf(request, params);
  const creds = credentialLines(params.states);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, LIMITS.headerText) } },
    section(statusLine(request, votes)),
    {
      type: 'section',
      fields: [
        field(`*Requested by*\n<@${request.requester}>`),
        field(`*Server build*\n${escapeMrkdwn(params.serverVersion ?? 'unknown')}`),
        field(`*Approvals needed*\n${request.approvalsRequired}`),
        field(`*Expires*\n${formatWhen(request.expiresAt)}`),
      ],
    },
    section(`*What the bot will do:* ${escapeMrkdwn(params.plan)}`),
    ...pluggedSections(request, creds), // plugged actions (rollback): their own sections
    ...resultBlocks(resultOf(request)),
  ];
  if (request.state === 'pending') {
    blocks.push({
      type: 'actions',
      block_id: `request:${request.id}`,
      elements: [
        {
          type: 'button',
          action_id: 'approve',
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve' },
          value: request.id,
        },
        {
          type: 'button',
          action_id: 'deny',
          style: 'danger',
          text: { type: 'plain_text', text: 'Deny' },
          value: request.id,
        },
      ],
    });
  }
  blocks.push({ type: 'context', elements: [mrkdwn(`Request \`${request.id}\``)] });
  const text = truncate(
    `${escapeMrkdwn(title)}, requested by <@${request.requester}>: ${stateLabel(request)}`,
    LIMITS.fallbackText,
  );
  return { text, blocks };
}
