// The Snapshotter: copies GET /v0/management/config.yaml into the store every interval (one replica per
// interval, through a lease) and on demand right before a mutation. The store keeps a snapshot only when
// the content hash changed and keeps the newest `keep`; content is encrypted at rest when a key is set.
import type { ManagementClient } from '../cliproxy/types.js';
import { hashContent } from '../domain/config/fingerprint.js';
import { type Fingerprint, keyedFingerprint } from '../domain/redact.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Snapshot, Store } from '../store/types.js';
import { newSnapshotId } from './snapshot-id.js';

export const SNAPSHOT_LEASE = 'snapshotter';

export interface SnapshotterDeps {
  store: Store;
  client: Pick<ManagementClient, 'getConfigYaml'>;
  logger: Logger;
  now: () => number;
  intervalMs: number;
  keep: number;
  /** This replica's id (lease owner). */
  owner: string;
  newId?: (at: number) => string;
}

export interface SnapshotTaken {
  /** The snapshot holding this content: the new one, or the newest one when the content had not changed. */
  snapshot: Snapshot;
  stored: boolean;
}

export class Snapshotter {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SnapshotterDeps) {}

  /**
   * Takes a snapshot now (no lease: a pre-mutation snapshot is always taken). Pass `content` when the
   * caller already read config.yaml, so the snapshot is exactly what it saw; `claimedAt` when the time
   * was taken before the read (an interval tick).
   */
  async snapshotNow(reason: string, content?: string, claimedAt?: number): Promise<SnapshotTaken> {
    const { store, client, now, keep } = this.deps;
    const text = content ?? (await client.getConfigYaml());
    const takenAt = claimedAt ?? now();
    const snapshot: Snapshot = {
      id: (this.deps.newId ?? newSnapshotId)(takenAt),
      takenAt,
      hash: hashContent(text),
      content: text,
      reason,
    };
    const stored = await store.putSnapshot(snapshot, keep);
    if (stored) {
      this.deps.logger.info(
        { snapshot: snapshot.id, hash: snapshot.hash.slice(0, 12), reason },
        'config snapshot stored',
      );
      return { snapshot, stored };
    }
    const [newest] = await store.listSnapshots(1);
    const same = newest && newest.hash === snapshot.hash ? newest : snapshot;
    this.deps.logger.debug({ snapshot: same.id, reason }, 'config unchanged since the newest snapshot');
    return { snapshot: same, stored: false };
  }

  getSnapshot(id: string): Promise<Snapshot | null> {
    return this.deps.store.getSnapshot(id);
  }

  /** This installation's keyed fingerprint for secrets in diffs (its key lives in the store). */
  async fingerprinter(): Promise<Fingerprint> {
    return keyedFingerprint(await this.deps.store.fingerprintKey());
  }

  /**
   * One interval tick: only the replica that claims the current interval slot (on the database clock,
   * before reading config.yaml) snapshots, so each slot has at most one interval snapshot however late
   * the timers of the replicas fire. Never throws.
   */
  async tick(): Promise<SnapshotTaken | undefined> {
    const { store, owner, now, intervalMs, logger } = this.deps;
    try {
      const slot = await store.claimSlot(SNAPSHOT_LEASE, owner, intervalMs);
      if (slot === null) {
        logger.debug({ owner }, 'another replica took this interval snapshot');
        return undefined;
      }
      const takenAt = now();
      logger.debug({ owner, slot }, 'interval snapshot slot claimed');
      return await this.snapshotNow('interval', undefined, takenAt);
    } catch (err) {
      const d = describeError(err);
      logger.warn({ code: d.code, error: d.message, runbook: d.runbook }, 'config snapshot failed');
      return undefined;
    }
  }

  /** Starts the interval (first snapshot at once). The timer never keeps the process alive. */
  start(): void {
    if (this.timer) return;
    const run = () => {
      this.inFlight = this.inFlight.then(() => this.tick());
    };
    run();
    this.timer = setInterval(run, this.deps.intervalMs);
    this.timer.unref();
  }

  /** Stops the interval and waits for a snapshot in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }
}

/** The start-up warning when snapshots are stored unencrypted; undefined when a key is configured. */
export function snapshotWarning(config: { snapshot: { key: Buffer | undefined } }): string | undefined {
  if (config.snapshot.key !== undefined) return undefined;
  return (
    'AUTHBOT_SNAPSHOT_KEY is not set: config snapshots (which hold provider API keys and client keys) are ' +
    'stored unencrypted in the database. Set AUTHBOT_SNAPSHOT_KEY to 32 random bytes, base64 ' +
    '(openssl rand -base64 32), to encrypt them at rest.'
  );
}
