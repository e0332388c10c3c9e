// The shape of one `auth-bot` sub-command. Each lives in its own file under src/cli/ and is listed in src/cli.ts.
import type { Writable } from 'node:stream';

export interface CliContext {
  env: Record<string, string | undefined>;
  stdout: Writable;
  stderr: Writable;
}

export interface CliCommand {
  name: string; // "why", "status", "runbook check", ...
  summary: string; // one line for the command list
  usage: string; // full --help text
  /** Returns the exit code: 0 ok, 1 unhealthy / not found / no match, 2 bad usage or config. */
  run(args: string[], ctx: CliContext): Promise<number>;
}

export const EXIT = { ok: 0, unhealthy: 1, usage: 2 } as const;

/** Splits `--json` / `--help` style flags from positional arguments; unknown flags are reported. */
export function parseFlags(
  args: string[],
  known: readonly string[],
): { positional: string[]; flags: Set<string>; unknown: string[] } {
  const positional: string[] = [];
  const flags = new Set<string>();
  const unknown: string[] = [];
  let rest = false;
  for (const a of args) {
    if (rest || !a.startsWith('-') || a === '-') positional.push(a);
    else if (a === '--') rest = true;
    else if (a === '-h' || a === '--help') flags.add('--help');
    else if (known.includes(a)) flags.add(a);
    else unknown.push(a);
  }
  return { positional, flags, unknown };
}

export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}
