// `/auth-rollback` without arguments: recent snapshots (id, when, short hash, changed blocks vs live).
import { formatWhen } from '../../domain/approvals/vote.js';
import type { SnapshotListing, SnapshotRow } from '../../snapshots/list.js';
import { escapeMrkdwn, LIMITS, truncate } from './limits.js';

export interface SlackView {
  text: string;
  blocks: Record<string, unknown>[];
}

const section = (text: string) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) },
});

export const ROLLBACK_USAGE =
  'Usage: `/auth-rollback` lists config snapshots; `/auth-rollback SNAPSHOT` requests a rollback to one (approval-gated).';

function describeRow(row: SnapshotRow, compared: boolean): string {
  const blocks = !compared
    ? 'not compared'
    : row.changedBlocks.length
      ? row.changedBlocks.map((b) => `\`${escapeMrkdwn(b)}\``).join(', ')
      : 'same as live';
  return `• \`${row.id}\` ${formatWhen(row.takenAt)} \`${row.hash.slice(0, 12)}\` (${escapeMrkdwn(row.reason)}): ${blocks}`;
}

export function snapshotsView(listing: SnapshotListing, limit = 15): SlackView {
  if (listing.rows.length === 0) {
    const text =
      'No config snapshots yet. The bot takes one every AUTHBOT_SNAPSHOT_INTERVAL and right before each change.';
    return { text, blocks: [section(text)] };
  }
  const compared = listing.liveError === undefined;
  const rows = listing.rows.slice(0, limit).map((r) => describeRow(r, compared));
  const head = compared
    ? '*Config snapshots*, newest first, with the auth/provider blocks that differ from the live config:'
    : `*Config snapshots*, newest first. Not compared with the live config: ${escapeMrkdwn(listing.liveError ?? '')}`;
  const blocks = [
    section(head),
    section(rows.join('\n')),
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'Roll back with `/auth-rollback SNAPSHOT` (needs approval).' }],
    },
  ];
  return { text: `${listing.rows.length} config snapshot(s)`, blocks };
}
