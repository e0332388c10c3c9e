#!/usr/bin/env node
// The auth-bot command line: the same domain code as the Slack bot, without Slack.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commands } from './cli/registry.js';
import { type CliContext, EXIT, writeLine } from './cli/types.js';
import { describeError, formatError } from './errors.js';

const TOP_USAGE = (names: string) => `auth-bot: ChatOps for CLIProxyAPI credentials, from a terminal.

Usage: auth-bot <command> [options]

Commands:
${names}

Every command takes --help; read-only commands take --json for scripts.
Exit codes: 0 success, 1 unhealthy / not found / no match, 2 bad usage or bad config.`;

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const list = commands();
  const width = Math.max(...list.map((c) => c.name.length));
  const usage = TOP_USAGE(list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n'));
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    writeLine(argv.length === 0 ? ctx.stderr : ctx.stdout, usage);
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  // longest name first, so "runbook check" wins over a hypothetical "runbook"
  const sorted = [...list].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  const command = sorted.find((c) => {
    const words = c.name.split(' ');
    return words.every((w, i) => argv[i] === w);
  });
  if (!command) {
    writeLine(ctx.stderr, `auth-bot: unknown command "${argv.join(' ').slice(0, 60)}"\n\n${usage}`);
    return EXIT.usage;
  }
  const rest = argv.slice(command.name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    writeLine(ctx.stdout, command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, ctx);
  } catch (err) {
    const d = describeError(err);
    writeLine(ctx.stderr, `auth-bot ${command.name}: ${formatError(d)}`);
    return d.code === 'bad_config' || d.code === 'bad_usage' ? EXIT.usage : EXIT.unhealthy;
  }
}

/** The file node was asked to run, with symlinks resolved (npm's `auth-bot` bin link, npx, a global install). */
function realPathOf(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

// run only as the entry point (not when a test imports runCli): compare real paths, since npm starts
// the CLI through a symlink named `auth-bot` whose own name says nothing about this file
const entry = process.argv[1] === undefined ? undefined : realPathOf(process.argv[1]);
if (entry !== undefined && entry === realPathOf(fileURLToPath(import.meta.url))) {
  runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`auth-bot: ${describeError(err).message}\n`);
      process.exitCode = 1;
    },
  );
}
