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
  | { ok: true; observations: Observation[] }
  | { ok: false; failure: 'down' | 'key-rejected'; detail: string };

/** What to look for in each credential as it is read. `coolingSince` gives known cooldown starts, if any. */
export function credentialDetector(
  now: number,
  settings: ConditionSettings,
  coolingSince: (credential: string) => number | undefined = () => undefined,
): (c: WatchedCredential) => Observation[] {
  return (c) => detectCredential(c, now, settings, coolingSince(c.name));
}

/** Every observation of one poll: the credentials' (found while reading them), or the proxy's failure. */
export function observePoll(facts: PollFacts): Observation[] {
  return facts.ok ? facts.observations : detectProxy(facts.failure, facts.detail);
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
