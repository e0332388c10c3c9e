// The daily digest: credentials by state, expiries in the next 24 h, alerts fired and resolved, fixes run.
import type { OutgoingMessage } from '../approvals/messenger.js';
import type { ManagementClient } from '../cliproxy/types.js';
import type { AlertState } from '../domain/watch/evaluate.js';
import { escapeMrkdwn, LIMITS, truncate } from '../slack/views/limits.js';
import type { Store } from '../store/types.js';

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

const DAY = 86_400_000;

/** The digest's facts: a fresh credential list, the stored expiries, the alert states, recent fixes. */
export async function gatherDigestFacts(
  deps: { store: Store; client: ManagementClient; proxy: string },
  alerts: AlertState[],
  now: number,
): Promise<DigestFacts> {
  const since = now - DAY;
  const requests = await deps.store.listRequests({ limit: 200 });
  const credentials = await deps.client.listAuthFiles().catch(() => []);
  const expiry = await deps.store.watch.loadExpiryFacts(deps.proxy);
  return {
    day: new Date(now).toISOString().slice(0, 10),
    byState: credentials.reduce<Record<string, number>>((m, c) => {
      const s = c.disabled ? 'disabled' : c.unavailable ? 'unavailable' : c.status;
      m[s] = (m[s] ?? 0) + 1;
      return m;
    }, {}),
    expiringSoon: [...expiry.entries()]
      .filter(([, f]) => f.expiresAt && Date.parse(f.expiresAt) > now && Date.parse(f.expiresAt) - now <= DAY)
      .map(([name, f]) => ({ name, expiresAt: f.expiresAt as string }))
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt)),
    fired: alerts.filter((a) => (a.firedAt ?? 0) >= since).length,
    resolved: alerts.filter((a) => (a.resolvedAt ?? 0) >= since).length,
    fixes: requests
      .filter((r) => r.createdAt >= since && ['verified', 'failed', 'interrupted'].includes(r.state))
      .map((r) => ({ id: r.id, action: r.action, target: r.target, state: r.state })),
  };
}
