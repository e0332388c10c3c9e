// Everything true at one poll, as the fixed `auth-bot watch --once --json` alert list: no damping and
// no silences (those shape what is posted to Slack, not what is true).
import {
  CONDITIONS,
  type ConditionId,
  type ConditionSettings,
  detectCredential,
  detectProxy,
  type Observation,
  type WatchAction,
  type WatchedCredential,
} from './conditions.js';

export interface AlertLine {
  credential: string | null;
  provider: string | null;
  condition: ConditionId;
  since: string;
  expires_at: string | null;
  next_retry_after: string | null;
  runbook: string[];
  action: WatchAction | null;
}

export type PollFacts =
  | { ok: true; credentials: WatchedCredential[] }
  | { ok: false; failure: 'down' | 'key-rejected'; detail: string };

/** Every observation of one poll. `coolingSince` gives known cooldown starts (from the store), if any. */
export function observePoll(
  facts: PollFacts,
  now: number,
  settings: ConditionSettings,
  coolingSince: (credential: string) => number | undefined = () => undefined,
): Observation[] {
  if (!facts.ok) return detectProxy(facts.failure, facts.detail);
  return facts.credentials.flatMap((c) => detectCredential(c, now, settings, coolingSince(c.name)));
}

export function toAlertLines(observations: Observation[], sinceOf: (o: Observation) => number): AlertLine[] {
  return observations.map((o) => ({
    credential: o.credential,
    provider: o.provider,
    condition: o.condition,
    since: new Date(sinceOf(o)).toISOString().replace('.000Z', 'Z'),
    expires_at: o.expiresAt,
    next_retry_after: o.nextRetryAfter,
    runbook: CONDITIONS[o.condition].runbook,
    action: CONDITIONS[o.condition].action,
  }));
}
