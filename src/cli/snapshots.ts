// `auth-bot snapshots [--json]`: the config snapshots the bot took, newest first, with the auth/provider
// blocks each differs in from the live config (when the proxy answers; otherwise a note on stderr).
import { createClientFromConfig } from '../cliproxy/from-config.js';
import { loadConfig } from '../config.js';
import { listSnapshotRows, type SnapshotListing } from '../snapshots/list.js';
import { formatTakenAt } from '../snapshots/snapshot-id.js';
import { openStore } from '../store/open.js';
import { type CliCommand, EXIT, parseFlags, writeLine } from './types.js';

const USAGE = `Usage: auth-bot snapshots [--json]

Lists the config.yaml snapshots the bot took (every AUTHBOT_SNAPSHOT_INTERVAL and before each change),
newest first: id, when (UTC), short hash, reason, and the auth/provider blocks that differ from the live
config. Reads the store named by AUTHBOT_DATABASE_URL (AUTHBOT_SNAPSHOT_KEY when they are encrypted) and
the live config from CLIPROXY_URL with CLIPROXY_MANAGEMENT_KEY. Roll back from Slack: /auth-rollback ID.
--json  {"snapshots": [{"id", "taken_at", "hash", "changed_blocks": [...]}]}`;

/** The --json shape (a public interface: scripts read it). */
export function toJson(listing: SnapshotListing): object {
  return {
    snapshots: listing.rows.map((r) => ({
      id: r.id,
      taken_at: formatTakenAt(r.takenAt),
      hash: r.hash,
      changed_blocks: r.changedBlocks,
    })),
  };
}

function formatText(listing: SnapshotListing): string[] {
  if (listing.rows.length === 0) return ['No config snapshots yet.'];
  const compared = listing.liveError === undefined;
  return listing.rows.map((r) => {
    const blocks = !compared
      ? 'not compared'
      : r.changedBlocks.length
        ? r.changedBlocks.join(', ')
        : 'same as live';
    return `${r.id}  ${formatTakenAt(r.takenAt)}  ${r.hash.slice(0, 12)}  ${r.reason.padEnd(14)}  ${blocks}`;
  });
}

export const snapshotsCommand: CliCommand = {
  name: 'snapshots',
  summary: 'config snapshots and what differs from the live config (--json)',
  usage: USAGE,
  async run(args, ctx) {
    const { positional, flags, unknown } = parseFlags(args, ['--json']);
    if (unknown.length > 0 || positional.length > 0) {
      writeLine(
        ctx.stderr,
        `auth-bot snapshots: unexpected ${[...unknown, ...positional].join(' ')}\n\n${USAGE}`,
      );
      return EXIT.usage;
    }
    const config = loadConfig(ctx.env);
    const store = await openStore(config.databaseUrl, { snapshotKey: config.snapshot.key });
    const client = createClientFromConfig(config);
    try {
      const listing = await listSnapshotRows(store, client, config.snapshot.keep);
      if (listing.liveError !== undefined) {
        writeLine(ctx.stderr, `note: changed_blocks not compared with the live config: ${listing.liveError}`);
      }
      if (flags.has('--json')) writeLine(ctx.stdout, JSON.stringify(toJson(listing)));
      else for (const line of formatText(listing)) writeLine(ctx.stdout, line);
      return EXIT.ok;
    } finally {
      await client.close();
      await store.close();
    }
  },
};
