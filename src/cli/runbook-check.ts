// `auth-bot runbook check FILE`: validates an edited runbook before it is deployed.

import { loadRunbookFile } from '../domain/runbook/load.js';
import { AppError } from '../errors.js';
import { type CliCommand, EXIT, parseFlags, writeLine } from './types.js';

const USAGE = `Usage: auth-bot runbook check FILE

Validates a runbook YAML file (for example an edited copy of runbook/runbook.yml): YAML syntax,
required fields, kebab-case and unique ids, actions (refresh, relogin, reenable, rollback) and the
match section. Problems are reported with their line and field.

Use the file with AUTHBOT_RUNBOOK_FILE=FILE once it passes.
Exit codes: 0 valid ("OK: N rows"), 2 invalid or unreadable (the message names line and field).`;

export const runbookCheckCommand: CliCommand = {
  name: 'runbook check',
  summary: 'validate an edited runbook file',
  usage: USAGE,
  async run(args, ctx) {
    const { positional, unknown } = parseFlags(args, []);
    if (unknown.length > 0 || positional.length !== 1) {
      const problem = unknown.length > 0 ? `unknown option ${unknown[0]}` : 'give exactly one FILE to check';
      writeLine(ctx.stderr, `auth-bot runbook check: ${problem}\n\n${USAGE}`);
      return EXIT.usage;
    }
    const file = positional[0] as string;
    try {
      const runbook = loadRunbookFile(file);
      const n = runbook.rows.length;
      writeLine(ctx.stdout, `OK: ${n} ${n === 1 ? 'row' : 'rows'} (${file})`);
      return EXIT.ok;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      writeLine(ctx.stderr, `auth-bot runbook check: ${err.message}${err.hint ? `\n${err.hint}` : ''}`);
      return EXIT.usage;
    }
  },
};
