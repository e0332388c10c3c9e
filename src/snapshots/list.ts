// Recent snapshots with the auth/provider blocks each one differs in from the live config: what
// `/auth-rollback` and `auth-bot snapshots` show. Block names only, never values.
import type { ManagementClient } from '../cliproxy/types.js';
import { type ConfigMap, changedAuthBlocks, parseConfigYaml } from '../domain/config/blocks.js';
import { describeError, formatError } from '../errors.js';
import type { Store } from '../store/types.js';

export interface SnapshotRow {
  id: string;
  takenAt: number;
  hash: string;
  reason: string;
  /** Auth/provider blocks that differ from the live config; empty when the live config could not be read. */
  changedBlocks: string[];
}

export interface SnapshotListing {
  rows: SnapshotRow[];
  /** Why the rows were not compared with the live config (proxy unreachable, ...); undefined when they were. */
  liveError: string | undefined;
}

function changedAgainst(live: ConfigMap | undefined, content: string): string[] {
  if (!live) return [];
  try {
    return changedAuthBlocks(live, parseConfigYaml(content));
  } catch {
    return ['(unreadable snapshot)'];
  }
}

export async function listSnapshotRows(
  store: Pick<Store, 'listSnapshots'>,
  client: Pick<ManagementClient, 'getConfigYaml'>,
  limit = 20,
): Promise<SnapshotListing> {
  const snapshots = await store.listSnapshots(limit);
  let live: ConfigMap | undefined;
  let liveError: string | undefined;
  try {
    live = parseConfigYaml(await client.getConfigYaml(), 'The live config.yaml');
  } catch (err) {
    liveError = formatError(describeError(err));
  }
  const rows = snapshots.map((s) => ({
    id: s.id,
    takenAt: s.takenAt,
    hash: s.hash,
    reason: s.reason,
    changedBlocks: changedAgainst(live, s.content),
  }));
  return { rows, liveError };
}
