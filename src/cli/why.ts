// `auth-bot why TEXT... [--json]`: look a symptom, status code, route or pasted log line up in the runbook.
import { ConfigError, loadConfig } from '../config.js';
import { loadConfiguredRunbook } from '../domain/runbook/load.js';
import { closestRows, type MatchResult, matchRunbook } from '../domain/runbook/match.js';
import type { Runbook } from '../domain/runbook/schema.js';
import { type CliCommand, type CliContext, EXIT, parseFlags, writeLine } from './types.js';

const USAGE = `Usage: auth-bot why TEXT... [--json]

Finds the runbook rows that fit a symptom: a status code (401), a phrase ("refresh returns 404"),
a pasted log line ('iflow executor: token refresh failed: invalid_grant'), a provider or a route.
Prints each row's symptom, how to confirm it, the fix and why it matched, best first.

Options:
  --json   print {"query", "matches": [{"id", "score", "symptom", "confirm", "fix", "reasons"}]}

The runbook is AUTHBOT_RUNBOOK_FILE when set, else the bundled runbook/runbook.yml.
Exit codes: 0 a row matched, 1 nothing matched, 2 bad usage or an invalid runbook.`;

/** The --json shape (a public interface: scripts read it). */
export function toJson(result: MatchResult): object {
  return {
    query: result.query,
    matches: result.matches.map((m) => ({
      id: m.row.id,
      score: m.score,
      symptom: m.row.symptom,
      confirm: m.row.confirm,
      fix: m.row.fix,
      reasons: m.reasons,
    })),
  };
}

function formatText(result: MatchResult): string {
  return result.matches
    .map((m, i) => {
      const lines = [
        `${i + 1}. ${m.row.id}  (score ${m.score.toFixed(2)})`,
        `   Symptom: ${m.row.symptom}`,
        `   Confirm: ${m.row.confirm}`,
        `   Fix:     ${m.row.fix}`,
        `   Why:     ${m.reasons.join('; ')}`,
      ];
      if (m.row.scope !== undefined) lines.push(`   Scope:   ${m.row.scope}`);
      if (m.row.check !== undefined) lines.push(`   Check:   auth-bot check ${m.row.id}`);
      if (m.row.action !== undefined) lines.push(`   Action:  ${m.row.action} (approval-gated, from Slack)`);
      return lines.join('\n');
    })
    .join('\n\n');
}

function formatNoMatch(runbook: Runbook, query: string): string {
  const near = closestRows(runbook, query, 3);
  const lines = [`No runbook row matches "${query}".`];
  if (near.length > 0) {
    lines.push('', 'Did you mean:', ...near.map((r) => `  ${r.id}  ${r.symptom}`));
  }
  lines.push('', 'Try a status code (401), the error text as logged, or the provider name.');
  return lines.join('\n');
}

function readRunbook(ctx: CliContext): Runbook {
  return loadConfiguredRunbook(loadConfig(ctx.env).runbookFile);
}

export const whyCommand: CliCommand = {
  name: 'why',
  summary: 'look a symptom, status code or log line up in the runbook',
  usage: USAGE,
  async run(args, ctx) {
    const { positional, flags, unknown } = parseFlags(args, ['--json']);
    const query = positional.join(' ').replace(/\s+/g, ' ').trim();
    if (unknown.length > 0 || query === '') {
      const problem =
        unknown.length > 0 ? `unknown option ${unknown[0]}` : 'say what you see, e.g. auth-bot why 401';
      writeLine(ctx.stderr, `auth-bot why: ${problem}\n\n${USAGE}`);
      return EXIT.usage;
    }
    let runbook: Runbook;
    try {
      runbook = readRunbook(ctx);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      writeLine(ctx.stderr, `auth-bot why: ${err.message}`);
      return EXIT.usage;
    }
    const result = matchRunbook(runbook, query);
    if (flags.has('--json')) writeLine(ctx.stdout, JSON.stringify(toJson(result), null, 2));
    else
      writeLine(ctx.stdout, result.matches.length > 0 ? formatText(result) : formatNoMatch(runbook, query));
    return result.matches.length > 0 ? EXIT.ok : EXIT.unhealthy;
  },
};
