// Plans a rollback: the snapshot's YAML with the live `remote-management` block carried over (dropping it
// would switch the management API off), edited through the yaml Document API so the snapshot's comments
// and key order survive. Pure: text in, text and a masked diff out.
import { isMap, parseDocument } from 'yaml';
import { AppError } from '../../errors.js';
import type { Fingerprint } from '../redact.js';
import { type ConfigMap, changedOtherBlocks, parseConfigYaml, REMOTE_MANAGEMENT } from './blocks.js';
import { type BlockDiff, diffConfigBlocks } from './diff.js';
import { fingerprintConfig } from './fingerprint.js';

export interface RollbackPlan {
  /** The YAML to PUT: the snapshot with the live remote-management block. */
  yaml: string;
  /** Masked diff of the auth/provider blocks, live → snapshot. */
  changes: BlockDiff[];
  /** Names of the auth/provider blocks that change. */
  changedBlocks: string[];
  /** Other top-level keys that change (names only; their values are never shown). */
  otherChangedBlocks: string[];
  /** What remote-management the result carries: the live block, or none when the live config has none. */
  remoteManagement: 'kept-live' | 'absent';
  /** Staleness fingerprint of the whole live config this plan was made against (fingerprint.ts). */
  liveFingerprint: string;
  /** The snapshot's parsed config (what verification compares against). */
  target: ConfigMap;
}

function parseDoc(text: string, what: string) {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    throw new AppError('bad_request', `${what} is not valid YAML: ${doc.errors[0]?.code ?? 'syntax error'}`);
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new AppError('bad_request', `${what} is not a YAML mapping.`);
  }
  return doc;
}

/** Replaces the snapshot's remote-management block with the live one (or removes it when live has none). */
export function carryRemoteManagement(snapshotYaml: string, liveYaml: string): string {
  const snapshot = parseDoc(snapshotYaml, 'The snapshot');
  if (snapshot.contents === null) throw new AppError('bad_request', 'The snapshot is empty.');
  const live = parseDoc(liveYaml, 'The live config.yaml');
  const liveBlock = live.get(REMOTE_MANAGEMENT, true);
  if (liveBlock === undefined) {
    snapshot.delete(REMOTE_MANAGEMENT);
  } else {
    const node =
      typeof (liveBlock as { clone?: unknown }).clone === 'function'
        ? (liveBlock as { clone(): unknown }).clone()
        : liveBlock;
    snapshot.set(REMOTE_MANAGEMENT, node);
  }
  return snapshot.toString({ lineWidth: 0 });
}

/** `fp` fingerprints the secrets shown in the diff (the installation's keyed fingerprint). */
export function planRollback(snapshotYaml: string, liveYaml: string, fp: Fingerprint): RollbackPlan {
  const yaml = carryRemoteManagement(snapshotYaml, liveYaml);
  const live = parseConfigYaml(liveYaml, 'The live config.yaml');
  const target = parseConfigYaml(yaml, 'The snapshot');
  const changes = diffConfigBlocks(live, target, fp);
  return {
    yaml,
    changes,
    changedBlocks: changes.map((c) => c.block),
    otherChangedBlocks: changedOtherBlocks(live, target),
    remoteManagement: live[REMOTE_MANAGEMENT] === undefined ? 'absent' : 'kept-live',
    liveFingerprint: fingerprintConfig(live),
    target,
  };
}
