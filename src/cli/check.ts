// `auth-bot check ROW-ID [--json]`: run a runbook row's read-only confirmation check.

import { createClientFromConfig } from '../cliproxy/from-config.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { CHECKS, type CheckResult, hasCheck, runCheck } from '../domain/checks/index.js';
import { UsageError } from '../errors.js';
import { openStore } from '../store/open.js';
import { type CliCommand, EXIT, parseFlags, writeLine } from './types.js';

const USAGE = `Usage: auth-bot check ROW-ID [--json]

Runs the read-only check of one runbook row against the proxy (CLIPROXY_URL, CLIPROXY_MANAGEMENT_KEY;
the canary rows also use CLIPROXY_CLIENT_KEY and CLIPROXY_CANARY_MODEL) and says whether the symptom
is confirmed. Rows that cannot be checked automatically say so.

Rows: ${Object.keys(CHECKS).join(', ')}

Options:
  --json   print {"row", "confirmed": true|false|null, "summary", "findings": [...]}

Exit codes: 0 not confirmed (or cannot be checked), 1 symptom confirmed, 2 unknown row or bad config.`;

export function formatCheckText(r: CheckResult): string {
  const verdict =
    r.confirmed === true ? 'CONFIRMED' : r.confirmed === false ? 'not confirmed' : 'cannot check';
  return [`${r.row}: ${verdict}`, r.summary, ...r.findings.map((f) => `  - ${f}`)].join('\n');
}

export const checkCommand: CliCommand = {
  name: 'check',
  summary: "run a runbook row's read-only check",
  usage: USAGE,
  async run(args, ctx) {
    const { positional, flags, unknown } = parseFlags(args, ['--json']);
    if (unknown.length > 0 || positional.length !== 1) {
      throw new UsageError(unknown.length > 0 ? `unknown option ${unknown[0]}` : 'give one ROW-ID', USAGE);
    }
    const row = positional[0] as string;
    if (!hasCheck(row)) {
      throw new UsageError(
        `unknown runbook row "${row.slice(0, 60)}"`,
        `Known rows: ${Object.keys(CHECKS).join(', ')}.`,
      );
    }
    let config: Config;
    try {
      config = loadConfig(ctx.env);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      writeLine(ctx.stderr, `auth-bot check: ${err.message}`);
      return EXIT.usage;
    }
    const client = createClientFromConfig(config);
    // only the config-change check reads the bot's store (its snapshots)
    const store =
      row === 'config-change-spike'
        ? await openStore(config.databaseUrl, { snapshotKey: config.snapshot.key })
        : undefined;
    try {
      const result = await runCheck(row, {
        proxy: client,
        now: Date.now,
        clientKey: config.proxy.clientKey,
        canaryModel: config.proxy.canaryModel,
        ...(store ? { listSnapshots: () => store.listSnapshots(50) } : {}),
      });
      if (flags.has('--json')) writeLine(ctx.stdout, JSON.stringify(result, null, 2));
      else writeLine(ctx.stdout, formatCheckText(result));
      return result.confirmed === true || result.failed === true ? EXIT.unhealthy : EXIT.ok;
    } finally {
      await client.close();
      await store?.close();
    }
  },
};
