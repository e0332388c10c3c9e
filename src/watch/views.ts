// Block Kit for the watch's messages: one alert, a grouped alert, thread replies, the digest and the
// /auth-watch listing. Pure functions of the alert states; every name that came from the proxy is
// escaped, and every message stays inside Block Kit's limits (1,000 credentials in one group included).

import type { OutgoingMessage } from '../approvals/messenger.js';
import { formatDuration } from '../domain/duration.js';
import { CONDITIONS, type ConditionId } from '../domain/watch/conditions.js';
import type { AlertState, Silence } from '../domain/watch/evaluate.js';
import { escapeMrkdwn, LIMITS, truncate } from '../slack/views/limits.js';

export const WATCH_FIX_ACTION = 'watch_fix';
export const WATCH_SILENCE_ACTION = 'watch_silence';
export const WATCH_SILENCE_FOR_ACTION = 'watch_silence_for';
export const SILENCE_CHOICES: ReadonlyArray<{ label: string; duration: string; ms: number }> = [
  { label: '1 hour', duration: '1h', ms: 3_600_000 },
  { label: '1 day', duration: '1d', ms: 86_400_000 },
  { label: '1 week', duration: '1w', ms: 7 * 86_400_000 },
];

const TITLES: Record<ConditionId, string> = {
  expiring: 'Token expiring soon',
  expired: 'Token expired',
  'refresh-stopped': 'Refresh stopped (needs re-login)',
  suspended: 'Credential suspended (needs a human)',
  cooldown: 'Cooling down (quota)',
  'stale-cooldown': 'Cooldown stuck past its retry time',
  'proxy-down': 'Proxy management API unreachable',
  'key-rejected': 'Management key rejected (401)',
};

/** A name from the proxy, shortened (a listing of 1,000 must fit one message) and escaped. */
const name = (s: string) => escapeMrkdwn(truncate(s, 120));
const code = (s: string) => `\`${name(s).replace(/`/g, "'")}\``;

/** Takes lines until `budget` characters; the rest become one "… and N more" line. */
function fitLines(lines: string[], budget: number, more: (n: number) => string): string[] {
  const out: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > budget) break;
    out.push(line);
    used += line.length + 1;
  }
  if (out.length < lines.length) out.push(more(lines.length - out.length));
  return out;
}

function who(a: AlertState): string {
  return a.credential ? `${code(a.credential)} (${escapeMrkdwn(a.provider ?? 'unknown')})` : 'the proxy';
}

function rowLine(condition: ConditionId): string {
  const c = CONDITIONS[condition];
  const action = c.action ? `fix: \`${c.action}\` (approval-gated)` : 'no automatic fix: needs a human';
  return `Runbook: ${c.runbook.map((r) => `\`${r}\``).join(', ')} · ${action}`;
}

function buttons(a: AlertState): Record<string, unknown> {
  const c = CONDITIONS[a.condition];
  const elements: Record<string, unknown>[] = [];
  if (c.action && a.credential) {
    elements.push({
      type: 'button',
      action_id: WATCH_FIX_ACTION,
      text: { type: 'plain_text', text: 'Request fix' },
      style: 'primary',
      value: a.key,
    });
  }
  if (a.credential) {
    elements.push({
      type: 'button',
      action_id: WATCH_SILENCE_ACTION,
      text: { type: 'plain_text', text: 'Silence' },
      value: a.key,
    });
  }
  const row = c.runbook[0];
  if (row) {
    elements.push({
      type: 'button',
      action_id: `check_run:${row}`,
      text: { type: 'plain_text', text: 'Run check' },
      value: row,
    });
  }
  return { type: 'actions', block_id: 'watch_actions', elements };
}

const FLAPPING =
  '_Flapping: it came and went on recent polls instead of holding. It resolves after two clear polls in a row._';

/** The message of one alert: firing (with buttons) or resolved (without). */
export function alertMessage(a: AlertState, now: number): OutgoingMessage {
  const title = TITLES[a.condition];
  if (a.phase === 'resolved') {
    const lasted = formatDuration((a.resolvedAt ?? now) - (a.firedAt ?? a.since));
    const text = `Resolved: ${title} — ${name(a.credential ?? 'proxy')} (lasted ${lasted})`;
    return {
      text: truncate(text, LIMITS.fallbackText),
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: truncate(
              `:white_check_mark: *Resolved* — ${title}: ${who(a)}. Lasted ${lasted}.`,
              LIMITS.sectionText,
            ),
          },
        },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: `Condition \`${a.condition}\` · ${rowLine(a.condition)}` }],
        },
      ],
    };
  }
  const text = `${title} — ${name(a.credential ?? 'proxy')}: ${escapeMrkdwn(a.detail)}`;
  return {
    text: truncate(text, LIMITS.fallbackText),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(
            `:rotating_light: *${title}* — ${who(a)}\n${escapeMrkdwn(a.detail)}${a.flapping ? `\n${FLAPPING}` : ''}`,
            LIMITS.sectionText,
          ),
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: truncate(
              `Condition \`${a.condition}\` since <!date^${Math.floor(a.since / 1000)}^{date_short_pretty} {time}|${new Date(a.since).toISOString()}> · ${rowLine(a.condition)}`,
              LIMITS.sectionText,
            ),
          },
        ],
      },
      buttons(a),
    ],
  };
}

/** One message for many credentials entering one condition; resolved ones are marked in place. */
export function groupMessage(condition: ConditionId, members: AlertState[], now: number): OutgoingMessage {
  const title = TITLES[condition];
  const open = members.filter((m) => m.phase !== 'resolved');
  const done = members.length - open.length;
  const head = open.length === 0 ? `:white_check_mark: *Resolved* — ${title}` : `:rotating_light: *${title}*`;
  const summary = `${head}: ${members.length} credentials${done ? `, ${done} resolved` : ''}.`;
  const sorted = [...open, ...members.filter((m) => m.phase === 'resolved')];
  const all = sorted.map((m) => {
    const who = `${code(m.credential ?? 'proxy')} (${escapeMrkdwn(m.provider ?? '')})`;
    return m.phase === 'resolved'
      ? `• ~${name(m.credential ?? '')}~ resolved after ${formatDuration((m.resolvedAt ?? now) - (m.firedAt ?? m.since))}`
      : `• ${who}${m.flapping ? ' _(flapping)_' : ''}`;
  });
  // Slack refuses a message whose blocks hold more than about 12,000 characters
  const lines = fitLines(all, 9000, (n) => `… and ${n} more (\`/auth-watch\` lists them all)`);
  const sections: Record<string, unknown>[] = [];
  let chunk = '';
  for (const line of lines) {
    if (chunk.length + line.length + 1 > LIMITS.sectionText - 10) {
      sections.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
      chunk = '';
    }
    chunk += `${chunk ? '\n' : ''}${line}`;
  }
  if (chunk) sections.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  const row = CONDITIONS[condition].runbook[0];
  const blocks: Record<string, unknown>[] = [
    { type: 'section', text: { type: 'mrkdwn', text: summary } },
    ...sections.slice(0, 40),
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Condition \`${condition}\` · ${rowLine(condition)}` }],
    },
  ];
  if (open.length > 0 && row) {
    blocks.push({
      type: 'actions',
      block_id: 'watch_actions',
      elements: [
        {
          type: 'button',
          action_id: `check_run:${row}`,
          text: { type: 'plain_text', text: 'Run check' },
          value: row,
        },
      ],
    });
  }
  return {
    text: truncate(`${title}: ${members.length} credentials (${done} resolved)`, LIMITS.fallbackText),
    blocks,
  };
}

export function repeatReply(a: AlertState, now: number): OutgoingMessage {
  const text = `Still firing after ${formatDuration(now - (a.firedAt ?? a.since))}: ${escapeMrkdwn(a.detail)}. Silence it with the *Silence* button or \`/auth-watch silence ${escapeMrkdwn(a.credential ?? '')} 1d\`.`;
  return { text: truncate(text, LIMITS.fallbackText) };
}

/** One re-announcement for a grouped message: how many of its credentials still fire, a few named. */
export function groupRepeatReply(
  members: AlertState[],
  repeated: AlertState[],
  now: number,
): OutgoingMessage {
  const first = repeated[0];
  const since = first ? formatDuration(now - (first.firedAt ?? first.since)) : '';
  const names = repeated
    .slice(0, 10)
    .map((a) => escapeMrkdwn(a.credential ?? 'proxy'))
    .join(', ');
  const more = repeated.length > 10 ? ` and ${repeated.length - 10} more` : '';
  const text = `Still firing after ${since}: ${repeated.length} of ${members.length} credentials (${names}${more}). \`/auth-watch\` lists them; silence one with \`/auth-watch silence CREDENTIAL 1d\`.`;
  return { text: truncate(text, LIMITS.fallbackText) };
}

export function updateReply(a: AlertState): OutgoingMessage {
  return { text: truncate(`Update: ${escapeMrkdwn(a.detail)}`, LIMITS.fallbackText) };
}

export function resolvedReply(a: AlertState, now: number): OutgoingMessage {
  const lasted = formatDuration((a.resolvedAt ?? now) - (a.firedAt ?? a.since));
  return {
    text: `Resolved: ${a.credential ? escapeMrkdwn(a.credential) : 'the proxy'} — \`${a.condition}\` cleared after ${lasted}.`,
  };
}

export function silenceChoices(key: string): OutgoingMessage {
  return {
    text: 'Silence this alert for how long?',
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: 'Silence this credential’s alerts for how long?' } },
      {
        type: 'actions',
        block_id: 'watch_silence_for',
        elements: SILENCE_CHOICES.map((c) => ({
          type: 'button',
          action_id: `${WATCH_SILENCE_FOR_ACTION}:${c.duration}`,
          text: { type: 'plain_text', text: c.label },
          value: key,
        })),
      },
    ],
  };
}

/** `/auth-watch`: firing alerts and active silences, each in a section of its own that fits Slack. */
export function watchListing(alerts: AlertState[], silences: Silence[], now: number): OutgoingMessage {
  const firing = alerts.filter((a) => a.phase === 'firing');
  const budget = LIMITS.sectionText - 100;
  const lines = fitLines(
    firing.map((a) => `• \`${a.condition}\` ${who(a)} for ${formatDuration(now - (a.firedAt ?? a.since))}`),
    budget,
    (n) => `… and ${n} more`,
  );
  const sil = fitLines(
    silences.map(
      (s) =>
        `• \`${s.id}\` ${code(s.credential)}${s.condition ? ` (${s.condition})` : ''} until ${new Date(s.until).toISOString().replace('.000Z', 'Z')}`,
    ),
    budget,
    (n) => `… and ${n} more`,
  );
  const parts = [
    firing.length ? `*Firing alerts (${firing.length})*\n${lines.join('\n')}` : '*No firing alerts.*',
    sil.length ? `*Silences (${silences.length})*\n${sil.join('\n')}` : '*No active silences.*',
    'Silence: `/auth-watch silence CREDENTIAL 1h|1d|1w` · end one: `/auth-watch unsilence ID`',
  ];
  return {
    text: truncate(parts.join('\n\n'), LIMITS.fallbackText),
    blocks: parts.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  };
}
