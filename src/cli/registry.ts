// Every auth-bot sub-command, in the order `auth-bot --help` lists them. Add one line per new command.
import { runbookCheckCommand } from './runbook-check.js';
import type { CliCommand } from './types.js';
import { whyCommand } from './why.js';

export function commands(): CliCommand[] {
  return [whyCommand, runbookCheckCommand];
}
