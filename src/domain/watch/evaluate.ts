// The watch's decisions: from the previous alert states and one poll's observations to the next states
// and what to say in Slack (fire, update, resolve, repeat; grouped, quiet when silenced, held while the
// proxy as a whole is down). Pure and table-tested: no clock, no store, no Slack.
import { alertKey, type ConditionId, IMMEDIATE, type Observation, PROXY_WIDE } from './conditions.js';

export type AlertPhase = 'pending' | 'firing' | 'resolved';

export interface AlertState {
  key: string;
  condition: ConditionId;
  credential: string | null;
  provider: string | null;
  phase: AlertPhase;
  /** First poll of this episode that saw the condition (epoch ms). */
  since: number;
  firedAt: number | null;
  resolvedAt: number | null;
  /** When the alert was last announced (fired or repeated); drives re-announcements. */
  lastAnnouncedAt: number | null;
  /** Consecutive good polls that did not see the condition (firing: toward resolving; pending: toward forgetting). */
  absentPolls: number;
  /** Polls that saw the condition while it was pending (absent from rows stored before it was kept: 1). */
  hits?: number;
  /** Fired because it came and went on recent polls rather than holding on two in a row. */
  flapping?: boolean;
  /** Alerts fired together in one grouped message share its id. */
  groupId: string | null;
  detail: string;
  expiresAt: string | null;
  nextRetryAfter: string | null;
}

export interface Silence {
  id: string;
  credential: string;
  /** null: every condition of the credential. */
  condition: ConditionId | null;
  until: number;
}

export type Effect =
  | { kind: 'fire'; keys: string[]; condition: ConditionId; groupId: string | null; quiet: boolean }
  | { kind: 'update'; key: string; quiet: boolean }
  | { kind: 'resolve'; key: string; durationMs: number; quiet: boolean }
  | { kind: 'repeat'; key: string };

export interface Poll {
  /** False when the proxy could not be read (down, garbage, key rejected): credential alerts are held. */
  ok: boolean;
  observations: Observation[];
}

export interface EvaluateSettings {
  /** More credentials than this entering one condition in one poll: one grouped message. */
  group: number;
  /** Re-announce a firing, unsilenced alert this often. */
  repeatMs: number;
  /** Good polls without the condition before a firing alert resolves, or a pending one is forgotten. */
  resolveAfter: number;
}

/**
 * Sightings that fire a damped condition that never held on two polls in a row but kept coming back
 * (each time after a single clear poll): a credential flapping every poll gets one alert, which then
 * stays firing until the condition is gone for `resolveAfter` polls in a row.
 */
export const FLAP_HITS = 3;

export interface Evaluation {
  alerts: AlertState[];
  effects: Effect[];
}

export function isSilenced(
  a: Pick<AlertState, 'credential' | 'condition'>,
  silences: Silence[],
  now: number,
) {
  return silences.some(
    (s) =>
      s.until > now && s.credential === a.credential && (s.condition === null || s.condition === a.condition),
  );
}

/**
 * When the watch first saw each credential cooling down (either cooldown condition), for those it has:
 * built once per poll, so looking up thousands of credentials costs no allocation each.
 */
export function coolingStarts(alerts: AlertState[]): Map<string, number> {
  const starts = new Map<string, number>();
  for (const a of alerts) {
    if (a.credential === null || a.phase === 'resolved') continue;
    if (a.condition !== 'cooldown' && a.condition !== 'stale-cooldown') continue;
    starts.set(a.credential, Math.min(a.since, starts.get(a.credential) ?? a.since));
  }
  return starts;
}

function fresh(o: Observation, now: number): AlertState {
  return {
    key: alertKey(o),
    condition: o.condition,
    credential: o.credential,
    provider: o.provider,
    phase: 'pending',
    since: now,
    firedAt: null,
    resolvedAt: null,
    lastAnnouncedAt: null,
    absentPolls: 0,
    hits: 1,
    groupId: null,
    detail: o.detail,
    expiresAt: o.expiresAt,
    nextRetryAfter: o.nextRetryAfter,
  };
}

export function evaluatePoll(
  previous: AlertState[],
  poll: Poll,
  silences: Silence[],
  now: number,
  settings: EvaluateSettings,
): Evaluation {
  const byKey = new Map(previous.map((a) => [a.key, { ...a }]));
  const seen = new Map(poll.observations.map((o) => [alertKey(o), o]));
  const effects: Effect[] = [];
  const firing: AlertState[] = [];

  const observe = (a: AlertState | undefined, o: Observation): AlertState => {
    if (!a || a.phase === 'resolved') {
      const next = fresh(o, now);
      if (IMMEDIATE.has(o.condition)) firing.push(next);
      return next;
    }
    if (a.phase === 'pending') {
      // seen on the poll before: it held on two in a row; after a clear poll: one more comeback
      a.hits = (a.hits ?? 1) + 1;
      if (a.absentPolls === 0) firing.push(a);
      else if (a.hits >= FLAP_HITS) {
        a.flapping = true;
        firing.push(a);
      }
    } else {
      const changed = a.expiresAt !== o.expiresAt || a.nextRetryAfter !== o.nextRetryAfter;
      if (changed) effects.push({ kind: 'update', key: a.key, quiet: isSilenced(a, silences, now) });
    }
    a.absentPolls = 0;
    a.detail = o.detail;
    a.expiresAt = o.expiresAt;
    a.nextRetryAfter = o.nextRetryAfter;
    return a;
  };

  const resolve = (a: AlertState) => {
    a.phase = 'resolved';
    a.resolvedAt = now;
    effects.push({
      kind: 'resolve',
      key: a.key,
      durationMs: now - (a.firedAt ?? a.since),
      quiet: isSilenced(a, silences, now),
    });
  };

  // the proxy as a whole first. A good poll clears a proxy-wide alert that held steadily at once; one
  // that fired because it kept coming back (a proxy failing every other poll) needs two good polls in a
  // row, like any flapping alert, and a single failure is forgotten after two good polls
  for (const [key, o] of seen) {
    if (PROXY_WIDE.has(o.condition)) byKey.set(key, observe(byKey.get(key), o));
  }
  for (const a of byKey.values()) {
    if (!PROXY_WIDE.has(a.condition) || seen.has(a.key) || a.phase === 'resolved') continue;
    a.absentPolls += 1;
    if (a.phase === 'pending') {
      if (a.absentPolls >= settings.resolveAfter) byKey.delete(a.key);
    } else if (!a.flapping || a.absentPolls >= settings.resolveAfter) resolve(a);
  }
  const held =
    !poll.ok ||
    [...byKey.values()].some((a) => PROXY_WIDE.has(a.condition) && a.phase === 'firing') ||
    firing.some((a) => PROXY_WIDE.has(a.condition));

  if (!held) {
    for (const [key, o] of seen) {
      if (!PROXY_WIDE.has(o.condition)) byKey.set(key, observe(byKey.get(key), o));
    }
    for (const a of byKey.values()) {
      if (PROXY_WIDE.has(a.condition) || seen.has(a.key) || a.phase === 'resolved') continue;
      a.absentPolls += 1;
      if (a.phase === 'pending') {
        // a one-poll blip is forgotten; one that comes back after a single clear poll may be flapping
        if (a.absentPolls >= settings.resolveAfter) byKey.delete(a.key);
        continue;
      }
      if (a.absentPolls >= settings.resolveAfter) resolve(a);
    }
  }

  effects.push(...fireAll(firing, silences, now, settings.group));

  for (const a of byKey.values()) {
    if (a.phase !== 'firing' || a.firedAt === now || held) continue;
    if (isSilenced(a, silences, now)) continue;
    if (a.lastAnnouncedAt !== null && now - a.lastAnnouncedAt >= settings.repeatMs) {
      a.lastAnnouncedAt = now;
      effects.push({ kind: 'repeat', key: a.key });
    }
  }
  return { alerts: [...byKey.values()], effects };
}

/** Marks alerts firing and groups the loud ones: more than `group` in one condition share a message. */
function fireAll(firing: AlertState[], silences: Silence[], now: number, group: number): Effect[] {
  const effects: Effect[] = [];
  const loud = new Map<ConditionId, AlertState[]>();
  for (const a of firing) {
    a.phase = 'firing';
    a.firedAt = now;
    a.lastAnnouncedAt = now;
    a.absentPolls = 0;
    if (isSilenced(a, silences, now)) {
      effects.push({ kind: 'fire', keys: [a.key], condition: a.condition, groupId: null, quiet: true });
      continue;
    }
    const list = loud.get(a.condition) ?? [];
    list.push(a);
    loud.set(a.condition, list);
  }
  for (const [condition, list] of loud) {
    if (list.length > group) {
      const groupId = `${condition}@${now}`;
      for (const a of list) a.groupId = groupId;
      effects.push({ kind: 'fire', keys: list.map((a) => a.key), condition, groupId, quiet: false });
    } else {
      for (const a of list)
        effects.push({ kind: 'fire', keys: [a.key], condition, groupId: null, quiet: false });
    }
  }
  return effects;
}
