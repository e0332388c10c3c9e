// The target's relevant state at request time. If it changes before approval, the request is stale.
import { createHash } from 'node:crypto';

/** What a request remembers about one credential (no secrets). */
export interface CredentialState {
  name: string;
  provider: string;
  status: string;
  statusMessage: string | undefined;
  disabled: boolean;
  expiresAt: string | undefined;
  lastRefresh: string | undefined;
}

function canonical(states: readonly CredentialState[]): string {
  const rows = [...states]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => [s.name, s.status, s.disabled, s.expiresAt ?? null, s.lastRefresh ?? null]);
  return JSON.stringify(rows);
}

/** A stable hash over name, status, disabled, expiry and last refresh of every credential targeted. */
export function fingerprintTarget(states: readonly CredentialState[]): string {
  return `fp1:${createHash('sha256').update(canonical(states)).digest('hex').slice(0, 16)}`;
}

/** Human words for what changed between two readings, for the "stale" message. */
export function describeChange(
  before: readonly CredentialState[],
  after: readonly CredentialState[],
): string {
  const changes: string[] = [];
  const afterByName = new Map(after.map((s) => [s.name, s]));
  for (const b of before) {
    const a = afterByName.get(b.name);
    if (!a) {
      changes.push(`${b.name} is gone`);
      continue;
    }
    if (a.status !== b.status) changes.push(`${b.name} status ${b.status} → ${a.status}`);
    if (a.disabled !== b.disabled)
      changes.push(`${b.name} ${a.disabled ? 'was disabled' : 'was re-enabled'}`);
    if (a.expiresAt !== b.expiresAt)
      changes.push(`${b.name} expiry ${b.expiresAt ?? 'unknown'} → ${a.expiresAt ?? 'unknown'}`);
    if (a.lastRefresh !== b.lastRefresh)
      changes.push(`${b.name} last refresh ${b.lastRefresh ?? 'never'} → ${a.lastRefresh ?? 'never'}`);
  }
  const beforeNames = new Set(before.map((s) => s.name));
  for (const a of after) if (!beforeNames.has(a.name)) changes.push(`${a.name} appeared`);
  return changes.length > 0 ? changes.join('; ') : 'the credentials changed';
}
