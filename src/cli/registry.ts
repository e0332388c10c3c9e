// Every auth-bot sub-command, in the order `auth-bot --help` lists them. Add one line per new command.
import type { CliCommand } from './types.js';

export function commands(): CliCommand[] {
  return [];
}
