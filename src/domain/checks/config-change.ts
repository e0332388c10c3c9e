// config-change-spike: did the auth/provider blocks of the live config change recently? Compares the live
// config.yaml with the bot's own snapshots of the last 24 hours (the proxy keeps no history itself).
import { changedAuthBlocks, parseConfigYaml } from '../config/blocks.js';
import type { CheckFn } from './types.js';

export const RECENT_MS = 24 * 3_600_000;

export const checkConfigChangeSpike: CheckFn = async ({ proxy, now, listSnapshots }) => {
  const snapshots = listSnapshots ? await listSnapshots() : [];
  const recent = snapshots.filter((s) => now() - s.takenAt <= RECENT_MS);
  if (recent.length === 0) {
    return {
      confirmed: null,
      summary: `No config snapshot from the last 24 hours to compare with (the bot snapshots config.yaml every AUTHBOT_SNAPSHOT_INTERVAL${snapshots.length ? '; older ones exist' : ''}).`,
      findings: [
        'Confirm by hand: compare the auth/provider blocks of config.yaml with the last known-good copy.',
      ],
    };
  }
  const live = parseConfigYaml(await proxy.getConfigYaml(), 'the live config.yaml');
  const findings: string[] = [];
  for (const snap of recent) {
    const changed = changedAuthBlocks(parseConfigYaml(snap.content, `snapshot ${snap.id}`), live);
    if (changed.length > 0) {
      findings.push(
        `since snapshot ${snap.id} (${new Date(snap.takenAt).toISOString()}): ${changed.join(', ')} changed`,
      );
    }
  }
  if (findings.length === 0) {
    return {
      confirmed: false,
      summary: `Not confirmed: the auth/provider blocks are the same as in all ${recent.length} snapshot(s) of the last 24 hours.`,
      findings: [],
    };
  }
  return {
    confirmed: true,
    summary:
      'Confirmed: auth/provider blocks changed in the last 24 hours. `/auth-rollback` shows the snapshots and the masked diff.',
    findings: findings.slice(0, 10),
  };
};
