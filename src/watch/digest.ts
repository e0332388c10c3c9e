// The daily digest: credentials by state, expiries in the next 24 h, alerts fired and resolved, fixes run.
import type { OutgoingMessage } from '../approvals/messenger.js';
import { escapeMrkdwn, LIMITS, truncate } from '../slack/views/limits.js';

export interface DigestFacts {
  day: string;
  byState: Record<string, number>;
  expiringSoon: Array<{ name: string; expiresAt: string }>;
  fired: number;
  resolved: number;
  fixes: Array<{ id: string; action: string; target: string; state: string }>;
}

export function digestMessage(f: DigestFacts): OutgoingMessage {
  const states = Object.entries(f.byState)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${escapeMrkdwn(s)} ${n}`)
    .join(' · ');
  const expiring = f.expiringSoon.slice(0, 20).map((e) => `• \`${escapeMrkdwn(e.name)}\` at ${e.expiresAt}`);
  if (f.expiringSoon.length > 20) expiring.push(`… and ${f.expiringSoon.length - 20} more`);
  const fixes = f.fixes
    .slice(0, 20)
    .map((x) => `• ${x.action} ${escapeMrkdwn(x.target)}: *${x.state}* (\`${x.id}\`)`);
  const text = [
    `*Credential digest for ${f.day} (UTC)*`,
    `Credentials: ${states || 'none read'}`,
    `Expiring in the next 24 h: ${f.expiringSoon.length}${expiring.length ? `\n${expiring.join('\n')}` : ''}`,
    `Alerts in the last 24 h: ${f.fired} fired, ${f.resolved} resolved`,
    `Fixes run: ${f.fixes.length}${fixes.length ? `\n${fixes.join('\n')}` : ''}`,
  ].join('\n');
  return {
    text: truncate(`Credential digest for ${f.day}`, LIMITS.fallbackText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } }],
  };
}
