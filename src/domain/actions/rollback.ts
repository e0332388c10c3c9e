// Rollback of config.yaml to a snapshot, as plan → execute → verify over the ManagementClient.
// Plan: the snapshot with the live remote-management block, and a masked diff of the auth/provider
// blocks. Execute: a fresh "pre-rollback" snapshot, then PUT /v0/management/config.yaml. Verify: the live
// auth/provider blocks equal the snapshot's (parsed, not file hashes: the server rewrites the key as a
// bcrypt hash), the management API still answers, the running config reloaded, the canary passes.
import type { ManagementClient } from '../../cliproxy/types.js';
import { AppError, describeError } from '../../errors.js';
import type { Snapshot } from '../../store/types.js';
import {
  type ConfigMap,
  changedAuthBlocks,
  changedOtherBlocks,
  parseConfigYaml,
  sameValue,
} from '../config/blocks.js';
import { formatBlockDiffs } from '../config/diff.js';
import { fingerprintConfig } from '../config/fingerprint.js';
import { planRollback, type RollbackPlan } from '../config/plan.js';
import type { Fingerprint } from '../redact.js';
import { notInTime, pollEnd, verificationDeadline, within } from './budget.js';
import type { ActionDeps, Check, ExecuteOutcome } from './types.js';
import { runCanary } from './verify.js';

/** One mutation of config.yaml at a time: every rollback shares this target. */
export const ROLLBACK_TARGET = 'config';

/** Where snapshots come from and where the pre-rollback one goes. */
export interface SnapshotAccess {
  getSnapshot(id: string): Promise<Snapshot | null>;
  /** Stores `content` as a snapshot (deduped against the newest) and returns the snapshot holding it. */
  snapshotNow(reason: string, content?: string): Promise<{ snapshot: Snapshot }>;
  /** How secrets in a diff are shown: this installation's keyed fingerprint. */
  fingerprinter(): Promise<Fingerprint>;
}

/** What a rollback request remembers (JSON, no secrets: the diff is masked). */
export interface RollbackParams {
  snapshotId: string;
  snapshotTakenAt: number;
  snapshotHash: string;
  changedBlocks: string[];
  otherChangedBlocks: string[];
  /** Masked diff lines of the auth/provider blocks, live → snapshot. */
  diff: string[];
}

export interface PreparedRollback {
  snapshot: Snapshot;
  plan: RollbackPlan;
  params: RollbackParams;
}

export async function loadSnapshot(snapshots: SnapshotAccess, id: string): Promise<Snapshot> {
  const snapshot = await snapshots.getSnapshot(id);
  if (!snapshot) {
    throw new AppError('not_found', `There is no config snapshot \`${id}\`.`, {
      hint: 'List the snapshots with /auth-rollback (or auth-bot snapshots).',
    });
  }
  return snapshot;
}

/** Reads the snapshot and the live config and plans the rollback. Refuses when nothing would change. */
export async function prepareRollback(
  client: ManagementClient,
  snapshots: SnapshotAccess,
  snapshotId: string,
): Promise<PreparedRollback> {
  const snapshot = await loadSnapshot(snapshots, snapshotId);
  const plan = planRollback(snapshot.content, await client.getConfigYaml(), await snapshots.fingerprinter());
  if (plan.changedBlocks.length === 0 && plan.otherChangedBlocks.length === 0) {
    throw new AppError(
      'conflict',
      `The live config already matches snapshot \`${snapshotId}\`; nothing to roll back.`,
    );
  }
  return {
    snapshot,
    plan,
    params: {
      snapshotId: snapshot.id,
      snapshotTakenAt: snapshot.takenAt,
      snapshotHash: snapshot.hash,
      changedBlocks: plan.changedBlocks,
      otherChangedBlocks: plan.otherChangedBlocks,
      diff: formatBlockDiffs(plan.changes),
    },
  };
}

/** Block names in which `live` and the snapshot differ now but did not when the request was made, or back. */
function namesOfChange(live: ConfigMap, snapshot: Snapshot | null, shown: readonly string[]): string[] {
  if (!snapshot) return [];
  const target = parseConfigYaml(snapshot.content);
  const now = [...changedAuthBlocks(live, target), ...changedOtherBlocks(live, target)];
  const before = new Set(shown);
  return [...now.filter((n) => !before.has(n)), ...shown.filter((n) => !now.includes(n))].sort();
}

/**
 * The staleness fingerprint now (the whole config but remote-management), and what changed in words (block
 * names only: which blocks now differ from the snapshot that did not when approvers were shown the request,
 * or no longer do; a block already in the shown list that changed value again is "a shown block").
 */
export async function recheckRollbackTarget(
  client: ManagementClient,
  requestFingerprint: string,
  snapshot: Snapshot | null,
  shown: readonly string[] = [],
): Promise<{ fingerprint: string; change: string }> {
  const live = parseConfigYaml(await client.getConfigYaml(), 'The live config.yaml');
  const fingerprint = fingerprintConfig(live);
  if (fingerprint === requestFingerprint) return { fingerprint, change: '' };
  const names = namesOfChange(live, snapshot, shown);
  return {
    fingerprint,
    change: `the live config.yaml changed since approvers were shown the request${
      names.length ? ` (in: ${names.join(', ')})` : ' (in a block the request already showed)'
    }; a rollback now would also undo that change`,
  };
}

export type RollbackOutcome =
  | (ExecuteOutcome & { kind: 'failed' })
  | { kind: 'done'; summary: string; preRollbackId: string; target: ConfigMap; persisted: boolean };

/** Takes the pre-rollback snapshot, then PUTs the planned YAML. A refused PUT changes nothing else. */
export async function executeRollback(
  client: ManagementClient,
  snapshots: SnapshotAccess,
  snapshot: Snapshot,
  requestId: string,
  expected?: { fingerprint: string; shown: readonly string[] },
): Promise<RollbackOutcome> {
  const live = await client.getConfigYaml();
  // the config may change between the approval's re-check and now: a rollback of it is not what was approved
  if (expected && fingerprintConfig(parseConfigYaml(live, 'The live config.yaml')) !== expected.fingerprint) {
    const names = namesOfChange(parseConfigYaml(live), snapshot, expected.shown);
    return {
      kind: 'failed',
      runbook: undefined,
      summary: `The live config.yaml changed after the approval${names.length ? ` (in: ${names.join(', ')})` : ''}; nothing was changed. Request the rollback again to see the current diff.`,
    };
  }
  // the pre-rollback snapshot is how a rollback is undone: without it, nothing is written (whatever the
  // policy's snapshot_failure says for other actions)
  let pre: { snapshot: Snapshot };
  try {
    pre = await snapshots.snapshotNow(`pre-rollback:${requestId}`, live);
  } catch (err) {
    return {
      kind: 'failed',
      runbook: undefined,
      summary: `The pre-rollback snapshot failed (${describeError(err).message}); nothing was changed, since without it the rollback could not be undone.`,
    };
  }
  const plan = planRollback(snapshot.content, live, await snapshots.fingerprinter());
  try {
    const put = await client.putConfigYaml(plan.yaml);
    const note = put.persisted
      ? ''
      : ' The proxy could not write the file (persisted: false); the change lasts until its restart.';
    return {
      kind: 'done',
      summary: `PUT /v0/management/config.yaml with snapshot \`${snapshot.id}\` (remote-management kept from the live config) answered ok.${note}`,
      preRollbackId: pre.snapshot.id,
      target: plan.target,
      persisted: put.persisted,
    };
  } catch (err) {
    if (err instanceof AppError && ['bad_request', 'server_error'].includes(err.code)) {
      return {
        kind: 'failed',
        runbook: undefined,
        summary: `The proxy refused the rollback: ${describeError(err).message} Nothing else was changed; the pre-rollback snapshot is \`${pre.snapshot.id}\`.`,
      };
    }
    throw err;
  }
}

export interface RollbackVerifyOptions {
  pollIntervalMs: number;
  timeoutMs: number;
  canary: { clientKey: string | undefined; model: string | undefined };
  /** When verification and canary must be done (ms epoch, budget.ts). */
  deadline?: number;
}

export interface RollbackVerification {
  ok: boolean;
  checks: Check[];
  runbook: string | undefined;
}

/** Keys of GET /v0/management/config (the running config) that must show the snapshot's values after reload. */
const RELOAD_KEYS = ['api-keys', 'proxy-url'];

function blocksCheck(live: ConfigMap, target: ConfigMap, snapshotId: string): Check {
  const differ = changedAuthBlocks(live, target);
  return differ.length === 0
    ? { name: 'auth/provider blocks', ok: true, detail: `config.yaml now matches snapshot ${snapshotId}` }
    : {
        name: 'auth/provider blocks',
        ok: false,
        detail: `still differ from snapshot ${snapshotId}: ${differ.join(', ')}`,
      };
}

function reloadCheck(running: Record<string, unknown>, target: ConfigMap): Check {
  const stale = RELOAD_KEYS.filter((k) => k in running && !sameValue(running[k], target[k]));
  return stale.length === 0
    ? {
        name: 'running config',
        ok: true,
        detail: 'GET /v0/management/config shows the restored values (hot reload done)',
      }
    : {
        name: 'running config',
        ok: false,
        detail: `the running config has not reloaded yet: ${stale.join(', ')} differ`,
      };
}

/** Polls until config.yaml and the running config show the snapshot (bounded), then runs the canary. */
export async function verifyRollback(
  deps: ActionDeps,
  target: ConfigMap,
  snapshotId: string,
  options: RollbackVerifyOptions,
): Promise<RollbackVerification> {
  // a verification that starts late still polls and sends its canary, within its own minimum
  const due = verificationDeadline(options.deadline, deps.now());
  const deadline = pollEnd(deps.now(), options.timeoutMs, due, options.canary);
  let checks: Check[] = [];
  for (;;) {
    try {
      const reads = await within(
        Promise.all([deps.client.getConfigYaml(), deps.client.getConfig()]),
        options.deadline === undefined ? Number.POSITIVE_INFINITY : deadline - deps.now(),
      );
      if (!reads.done) {
        checks.push(notInTime('management API', 'the proxy did not answer the config reads'));
        break;
      }
      const live = parseConfigYaml(reads.value[0], 'The live config.yaml');
      const running = reads.value[1];
      const version = deps.client.serverVersion;
      checks = [
        blocksCheck(live, target, snapshotId),
        { name: 'management API', ok: true, detail: `answers${version ? ` (build ${version})` : ''}` },
        reloadCheck(running, target),
      ];
    } catch (err) {
      const d = describeError(err);
      checks = [
        { name: 'management API', ok: false, detail: `no longer answers: ${d.message}`, runbook: d.runbook },
      ];
    }
    if (checks.every((c) => c.ok) || deps.now() + options.pollIntervalMs > deadline) break;
    await deps.sleep(options.pollIntervalMs);
  }
  checks.push(
    await runCanary(deps, { ...options, ...(due === undefined ? {} : { deadline: due }), expect: 'enabled' }),
  );
  const failed = checks.find((c) => !c.ok);
  return { ok: failed === undefined, checks, runbook: failed?.runbook };
}
