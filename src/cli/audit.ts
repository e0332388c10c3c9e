// auth-bot audit [REQUEST-ID] [--json]: recent approval requests and their outcome, or one request's trail.
import { listAuditRows, listRequestEvents } from '../approvals/audit-summary.js';
import { loadConfig } from '../config.js';
import { openStore } from '../store/open.js';
import { type CliCommand, EXIT, parseFlags, writeLine } from './types.js';

const USAGE = `Usage: auth-bot audit [REQUEST-ID] [--json]

Without REQUEST-ID: the 50 newest approval requests (who asked, who approved, state, outcome).
With REQUEST-ID: every audit event of that request (votes, proxy calls, checks, messages).
Reads the store named by AUTHBOT_DATABASE_URL.
--json  {"requests": [...]} or {"request": ID, "events": [...]}`;

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'recent approval requests and their outcome (--json)',
  usage: USAGE,
  async run(args, ctx) {
    const { positional, flags, unknown } = parseFlags(args, ['--json']);
    if (unknown.length > 0 || positional.length > 1) {
      writeLine(
        ctx.stderr,
        `auth-bot audit: unexpected ${[...unknown, ...positional.slice(1)].join(' ')}\n\n${USAGE}`,
      );
      return EXIT.usage;
    }
    const config = loadConfig(ctx.env);
    const store = await openStore(config.databaseUrl, { snapshotKey: config.snapshot.key });
    try {
      const json = flags.has('--json');
      const id = positional[0];
      if (id !== undefined) {
        const events = await listRequestEvents(store, id);
        if (json) writeLine(ctx.stdout, JSON.stringify({ request: id, events }));
        else if (events.length === 0) writeLine(ctx.stdout, `No audit events for ${id}.`);
        else
          for (const e of events)
            writeLine(
              ctx.stdout,
              `${e.at}  ${e.kind.padEnd(18)} ${e.actor ?? '-'}  ${JSON.stringify(e.data)}`,
            );
        return events.length > 0 ? EXIT.ok : EXIT.unhealthy;
      }
      const rows = await listAuditRows(store, 50);
      if (json) writeLine(ctx.stdout, JSON.stringify({ requests: rows }));
      else if (rows.length === 0) writeLine(ctx.stdout, 'No approval requests recorded yet.');
      else
        for (const r of rows) {
          const who = `${r.requester}${r.approvals.length ? ` approved by ${r.approvals.join(',')}` : ''}${r.denials.length ? ` denied by ${r.denials.join(',')}` : ''}`;
          writeLine(
            ctx.stdout,
            `${r.created_at}  ${r.id}  ${r.action} ${r.credential ?? r.provider}  ${r.state}  ${who}${r.outcome ? `  ${r.outcome}` : ''}${r.runbook ? `  [${r.runbook}]` : ''}`,
          );
        }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
