// The credential watch loop: one replica at a time (a lease in the store) reads the proxy every interval,
// decides with the pure evaluatePoll, saves the alert states (only while it still holds the lease) and
// then tells Slack: one message per alert or group, edits in place, thread replies, a daily digest.
// Slack failures never lose an alert: a message that could not be posted is posted by the next poll.
import { randomUUID } from 'node:crypto';
import type { Messenger } from '../approvals/messenger.js';
import type { ManagementClient } from '../cliproxy/types.js';
import type { WatchConfig } from '../config.js';
import {
  type AlertState,
  coolingStarts,
  type Effect,
  evaluatePoll,
  isSilenced,
} from '../domain/watch/evaluate.js';
import { credentialDetector, observePoll } from '../domain/watch/report.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import { type StoredAlert, staleClaimBound } from '../store/watch-types.js';
import { digestMessage, gatherDigestFacts } from './digest.js';
import { type CredentialRead, type ExpiryFacts, readCredentials } from './read-credentials.js';
import {
  alertMessage,
  groupMessage,
  groupRepeatReply,
  repeatReply,
  resolvedReply,
  updateReply,
} from './views.js';

export const WATCH_LEASE = 'watch';
/** Resolved alerts are kept this long (for /auth-watch and the digest), then forgotten. */
const KEEP_RESOLVED_MS = 7 * 86_400_000;
/** A message claim this old (at least; two intervals if longer) was left by a poster that died. */
const STALE_CLAIM_MS = 5 * 60_000;

export interface WatchMetrics {
  poll(outcome: 'ok' | 'proxy_error' | 'not_leader' | 'lost_lease' | 'error', seconds: number): void;
  firing(byCondition: Map<string, number>): void;
  transition(condition: string, to: 'fire' | 'resolve' | 'update' | 'repeat'): void;
}

export interface WatcherDeps {
  store: Store;
  client: ManagementClient;
  messenger: Messenger;
  logger: Logger;
  settings: WatchConfig & { channel: string };
  /** Names the proxy in the store's keys (the proxy's URL). */
  proxy: string;
  now?: () => number;
  owner?: string;
  metrics?: WatchMetrics;
  /** Minimum gap between two Slack calls of the watch (Slack allows about one message per second per channel). */
  slackSpacingMs?: number;
}

export interface PollResult {
  leader: boolean;
  read?: CredentialRead;
  effects: Effect[];
}

export class Watcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private lastSlackCall = 0;
  private stopped = false;
  /**
   * The expiry facts as this replica last loaded or saved them. Facts are keyed by each file's
   * modtime/size, so a copy older than the store's (another replica polled meanwhile) only costs extra
   * reads, never a wrong expiry; it is dropped whenever this replica is not the leader anyway.
   */
  private expiryFacts: Map<string, ExpiryFacts> | undefined;
  readonly owner: string;
  private readonly now: () => number;

  constructor(private readonly deps: WatcherDeps) {
    this.owner = deps.owner ?? `watch-${randomUUID().slice(0, 8)}`;
    this.now = deps.now ?? Date.now;
  }

  /** Polls at once, then every interval; a poll that outlasts the interval is never overlapped. */
  start(): void {
    if (this.timer || this.stopped) return;
    const tick = () => {
      this.running = this.pollOnce()
        .catch((err: unknown) => {
          this.deps.metrics?.poll('error', 0);
          this.deps.logger.error({ err }, 'watch poll failed');
        })
        .finally(() => {
          if (this.stopped) return;
          this.timer = setTimeout(tick, this.deps.settings.intervalMs);
          this.timer.unref();
        });
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One poll: lease, read, evaluate, save, tell Slack. */
  async pollOnce(): Promise<PollResult> {
    const { store, settings, proxy } = this.deps;
    const started = this.now();
    // a replica that stops polling loses the lease after two intervals; another takes over then
    const ttl = Math.max(settings.intervalMs * 2, 2_000);
    if (!(await store.tryLease(WATCH_LEASE, this.owner, ttl))) {
      this.expiryFacts = undefined;
      this.deps.metrics?.poll('not_leader', 0);
      return { leader: false, effects: [] };
    }
    const stored = await store.watch.loadAlerts(proxy);
    const previous = stored.map((s) => s.state);
    const cooling = coolingStarts(previous);
    const read = await readCredentials(
      this.deps.client,
      {
        load: async () => {
          this.expiryFacts ??= await store.watch.loadExpiryFacts(proxy);
          return this.expiryFacts;
        },
        save: async (changed, gone) => {
          if (changed.size > 0 || gone.length > 0) await store.watch.saveExpiryFacts(proxy, changed, gone);
          for (const [name, f] of changed) this.expiryFacts?.set(name, f);
          for (const name of gone) this.expiryFacts?.delete(name);
        },
      },
      { now: started, expiryWarnMs: settings.expiryWarnMs },
      credentialDetector(started, settings, (c) => cooling.get(c)),
    );
    // silences are read after the proxy, so one set while the read was in flight already counts
    const silences = await store.watch.listSilences(proxy, this.now());
    const observations = observePoll(read);
    const result = evaluatePoll(previous, { ok: read.ok, observations }, silences, started, {
      group: settings.group,
      repeatMs: settings.repeatMs,
      resolveAfter: 2,
    });
    const kept = result.alerts.filter(
      (a) => a.phase !== 'resolved' || started - (a.resolvedAt ?? started) < KEEP_RESOLVED_MS,
    );
    const keptKeys = new Set(kept.map((a) => a.key));
    const deletes = previous.filter((a) => !keptKeys.has(a.key)).map((a) => a.key);
    const saved = await store.watch.saveAlerts(
      proxy,
      { name: WATCH_LEASE, owner: this.owner },
      kept,
      deletes,
      this.now(),
    );
    const seconds = (this.now() - started) / 1000;
    if (!saved) {
      this.expiryFacts = undefined;
      this.deps.logger.warn('watch lease lost during the poll; another replica polls now');
      this.deps.metrics?.poll('lost_lease', seconds);
      return { leader: false, read, effects: [] };
    }
    this.deps.metrics?.poll(read.ok ? 'ok' : 'proxy_error', seconds);
    const firing = new Map<string, number>();
    for (const a of kept)
      if (a.phase === 'firing') firing.set(a.condition, (firing.get(a.condition) ?? 0) + 1);
    this.deps.metrics?.firing(firing);
    if (!this.stopped) await this.tell(result.effects, kept, stored, silences);
    if (!this.stopped && settings.digestAtMinute !== undefined) await this.maybeDigest(kept, started);
    return { leader: true, read, effects: result.effects };
  }

  private async slack<T>(fn: () => Promise<T>): Promise<T> {
    const gap = this.deps.slackSpacingMs ?? 300;
    const wait = this.lastSlackCall + gap - this.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    this.lastSlackCall = this.now();
    return fn();
  }

  /** Applies the effects in Slack, then posts any firing alert whose message is still missing. */
  private async tell(
    effects: Effect[],
    alerts: AlertState[],
    stored: StoredAlert[],
    silences: { until: number; credential: string; condition: AlertState['condition'] | null; id: string }[],
  ) {
    const { store, messenger, settings, proxy } = this.deps;
    const channel = settings.channel;
    const now = this.now();
    const byKey = new Map(alerts.map((a) => [a.key, a]));
    const ts = new Map(stored.map((s) => [s.state.key, s.messageTs]));
    const posted = new Set<string>();
    const groupMembers = (groupId: string) => alerts.filter((a) => a.groupId === groupId);

    const post = async (keys: string[], message: Parameters<Messenger['postRequest']>[1]) => {
      const timed = { at: now, staleBefore: now - staleClaimMs };
      if (!(await store.watch.claimAlertMessage(proxy, keys, this.owner, timed))) return;
      const messageTs = await this.slack(() => messenger.postRequest(channel, message));
      // a refused post releases the claim: the next poll posts it again, nothing is dropped
      await store.watch.setAlertMessage(proxy, keys, messageTs ? channel : null, messageTs);
      for (const k of keys) {
        posted.add(k);
        ts.set(k, messageTs);
      }
    };
    // a claim older than this was left by a poster that died before recording its message
    const staleClaimMs = Math.max(STALE_CLAIM_MS, settings.intervalMs * 2);
    const unposted = (key: string) => {
      const t = ts.get(key);
      return !t || (t.startsWith('claim:') && t < staleClaimBound(now - staleClaimMs));
    };
    const realTs = (key: string) => {
      const t = ts.get(key);
      return t && !t.startsWith('claim:') ? t : null;
    };
    const touchedGroups = new Set<string>();
    const groupRepeats = new Map<string, AlertState[]>();

    for (const e of effects) {
      const a = e.kind === 'fire' ? byKey.get(e.keys[0] ?? '') : byKey.get(e.key);
      if (!a) continue;
      this.deps.metrics?.transition(a.condition, e.kind);
      if (e.kind === 'fire') {
        if (e.quiet) continue;
        if (e.groupId) await post(e.keys, groupMessage(e.condition, groupMembers(e.groupId), now));
        else await post(e.keys, alertMessage(a, now));
        continue;
      }
      const t = realTs(a.key);
      if (!t) continue;
      if (a.groupId) {
        // a grouped message is edited once per poll, and re-announced once per group, not per member
        if (e.kind === 'resolve') touchedGroups.add(a.groupId);
        if (e.kind === 'repeat') groupRepeats.set(a.groupId, [...(groupRepeats.get(a.groupId) ?? []), a]);
        continue;
      }
      if (e.kind === 'resolve') {
        await this.slack(() => messenger.updateRequest(channel, t, alertMessage(a, now)));
        if (!e.quiet) await this.slack(() => messenger.threadReply(channel, t, resolvedReply(a, now)));
      } else if (e.kind === 'update' && !e.quiet) {
        await this.slack(() => messenger.updateRequest(channel, t, alertMessage(a, now)));
        await this.slack(() => messenger.threadReply(channel, t, updateReply(a)));
      } else if (e.kind === 'repeat') {
        await this.slack(() => messenger.threadReply(channel, t, repeatReply(a, now)));
      }
    }
    for (const groupId of touchedGroups) {
      const members = groupMembers(groupId);
      const t = members.map((m) => realTs(m.key)).find(Boolean);
      if (t && members[0])
        await this.slack(() =>
          messenger.updateRequest(channel, t, groupMessage(members[0]!.condition, members, now)),
        );
    }
    for (const [groupId, repeated] of groupRepeats) {
      const t = realTs(repeated[0]?.key ?? '');
      if (t)
        await this.slack(() =>
          messenger.threadReply(channel, t, groupRepeatReply(groupMembers(groupId), repeated, now)),
        );
    }
    // catch-up: firing, unsilenced alerts without a message (a post that failed, a silence that ended,
    // a replica that stopped between saving and posting)
    for (const a of alerts) {
      if (a.phase !== 'firing' || posted.has(a.key) || !unposted(a.key) || isSilenced(a, silences, now))
        continue;
      if (a.groupId) {
        const members = groupMembers(a.groupId).filter((m) => unposted(m.key));
        await post(
          members.map((m) => m.key),
          groupMessage(a.condition, groupMembers(a.groupId), now),
        );
      } else {
        await post([a.key], alertMessage(a, now));
      }
    }
  }

  private async maybeDigest(alerts: AlertState[], now: number): Promise<void> {
    const minute = this.deps.settings.digestAtMinute ?? 0;
    const d = new Date(now);
    if (d.getUTCHours() * 60 + d.getUTCMinutes() < minute) return;
    const day = d.toISOString().slice(0, 10);
    if (!(await this.deps.store.watch.claimDigest(this.deps.proxy, day, this.owner, now))) return;
    const { store, client, proxy } = this.deps;
    const facts = await gatherDigestFacts({ store, client, proxy }, alerts, now);
    await this.slack(() => this.deps.messenger.postRequest(this.deps.settings.channel, digestMessage(facts)));
  }
}
