// /auth-audit: recent requests, who asked, who approved, what ran, what the checks said. Pure.
import type { AuditEventRow, AuditRow } from '../../approvals/audit-summary.js';
import { escapeMrkdwn, LIMITS, truncate } from './limits.js';
import type { SlackMessage } from './request.js';

const MAX_ROWS = 20;

export function describeAuditRow(r: AuditRow): string {
  const who = [
    `asked by <@${r.requester}>`,
    r.approvals.length ? `approved by ${r.approvals.map((u) => `<@${u}>`).join(', ')}` : '',
    r.denials.length ? `denied by ${r.denials.map((u) => `<@${u}>`).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const outcome = r.outcome ? ` ${escapeMrkdwn(truncate(r.outcome, 200))}` : '';
  const row = r.runbook ? ` (runbook \`${r.runbook}\`)` : '';
  const what = escapeMrkdwn(r.credential ?? r.provider);
  return `*${r.state}* ${escapeMrkdwn(r.action)} ${what} \`${r.id}\` at ${r.created_at}: ${who}.${outcome}${row}`;
}

export function renderAudit(rows: readonly AuditRow[]): SlackMessage {
  if (rows.length === 0) {
    return {
      text: 'No requests yet.',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'No approval requests recorded yet.' } }],
    };
  }
  const lines = rows.slice(0, MAX_ROWS).map(describeAuditRow);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Recent approval requests' } },
  ];
  // several sections so no single text passes Slack's 3000-character limit
  let chunk = '';
  for (const line of lines) {
    const next = chunk ? `${chunk}\n${line}` : line;
    if (next.length > LIMITS.sectionText - 100 && chunk) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
      chunk = line;
    } else chunk = truncate(next, LIMITS.sectionText);
  }
  if (chunk) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: 'Full trail per request: `auth-bot audit REQUEST-ID`' }],
  });
  return { text: `${rows.length} recent approval request(s)`, blocks };
}

const MAX_EVENTS = 40;

/** `/auth-audit REQUEST-ID`: the request's whole trail, oldest first, cut to fit one message. */
export function renderRequestEvents(requestId: string, events: readonly AuditEventRow[]): SlackMessage {
  const id = escapeMrkdwn(truncate(requestId, 80));
  if (events.length === 0) {
    return {
      text: `No audit events for ${requestId}.`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `No audit events for \`${id}\`.` } }],
    };
  }
  const shown = events.slice(-MAX_EVENTS);
  const lines = shown.map((e) => {
    const data = truncate(JSON.stringify(e.data), 160);
    return `${e.at} \`${e.kind}\`${e.actor ? ` <@${escapeMrkdwn(e.actor)}>` : ''} ${escapeMrkdwn(data)}`;
  });
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(`Audit trail ${requestId}`, LIMITS.headerText) },
    },
  ];
  let chunk = '';
  for (const line of lines) {
    const next = chunk ? `${chunk}\n${line}` : line;
    if (next.length > LIMITS.sectionText - 100 && chunk) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
      chunk = line;
    } else chunk = truncate(next, LIMITS.sectionText);
  }
  if (chunk) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  if (events.length > shown.length) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${events.length - shown.length} earlier event(s) left out: \`auth-bot audit ${id}\` shows all.`,
        },
      ],
    });
  }
  return { text: `${events.length} audit event(s) for ${requestId}`, blocks };
}
