// Every auth-bot sub-command, in the order `auth-bot --help` lists them. Add one line per new command.

import { auditCommand } from './audit.js';
import { checkCommand } from './check.js';
import { runbookCheckCommand } from './runbook-check.js';
import { serveCommand } from './serve.js';
import { snapshotsCommand } from './snapshots.js';
import { statusCommand } from './status.js';
import type { CliCommand } from './types.js';
import { watchCommand } from './watch.js';
import { whyCommand } from './why.js';

export function commands(): CliCommand[] {
  return [
    whyCommand,
    statusCommand,
    checkCommand,
    snapshotsCommand,
    serveCommand,
    runbookCheckCommand,
    auditCommand,
    watchCommand,
  ];
}
