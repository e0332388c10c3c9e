// `auth-bot status [PROVIDER] [--json]`: read-only health of the proxy and of each credential.

import { createClientFromConfig } from '../cliproxy/from-config.js';
import { gatherStatus } from '../cliproxy/gather-status.js';
import { validateProvider } from '../cliproxy/names.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { isHealthy, type StatusReport, toStatusJson } from '../domain/status.js';
import { UsageError } from '../errors.js';
import { type CliCommand, EXIT, parseFlags, writeLine } from './types.js';

const USAGE = `Usage: auth-bot status [PROVIDER] [--json]

Asks the proxy (CLIPROXY_URL, key CLIPROXY_MANAGEMENT_KEY) for every credential and reads each token
file's expiry and refresh facts (tokens never leave the bot). PROVIDER (kiro, iflow, claude, ...) limits
the list. Each problem names the runbook rows to read.

Options:
  --json   print {"server": {"url","reachable","version","error"?}, "credentials": [{"name","provider",
           "status","disabled","expires_at","last_refresh","has_refresh_token","problems","runbook",
           "auth_index","status_message","unavailable","next_retry_after"}]}

Exit codes: 0 healthy, 1 the proxy is unreachable / refused us or a credential has a problem,
2 bad usage or bad config (e.g. CLIPROXY_MANAGEMENT_KEY not set).`;

/** The message, the runbook row and the hint: what a person needs, never a stack. */
export function formatServerError(e: NonNullable<StatusReport['server']['error']>): string {
  return `${e.message}${e.runbook ? ` Runbook: ${e.runbook}.` : ''}${e.hint ? ` ${e.hint}` : ''}`;
}

export function formatStatusText(report: StatusReport): string {
  const { server } = report;
  const lines = [
    `Proxy ${server.url}: ${server.reachable ? 'reachable' : 'unreachable'}${server.version ? `, build ${server.version}` : ''}`,
  ];
  if (server.error) return lines.join('\n');
  if (report.credentials.length === 0) {
    lines.push('No credentials.');
    return lines.join('\n');
  }
  for (const c of report.credentials) {
    const facts = [
      c.provider,
      c.disabled ? 'disabled' : c.status,
      `expires ${c.expiresAt ?? 'unknown'}`,
      `last refresh ${c.lastRefresh ?? 'unknown'}`,
      c.hasRefreshToken === undefined ? '' : c.hasRefreshToken ? 'refresh token' : 'no refresh token',
    ].filter(Boolean);
    lines.push(`${c.problems.length > 0 ? '✗' : '✓'} ${c.name}  (${facts.join(', ')})`);
    for (const p of c.problems)
      lines.push(`    - ${p.text}${p.runbook.length ? `  [runbook: ${p.runbook.join(', ')}]` : ''}`);
  }
  const bad = report.credentials.filter((c) => c.problems.length > 0).length;
  lines.push(`${report.credentials.length} credential(s), ${bad} with problems.`);
  return lines.join('\n');
}

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'health of the proxy and of each credential',
  usage: USAGE,
  async run(args, ctx) {
    const { positional, flags, unknown } = parseFlags(args, ['--json']);
    if (unknown.length > 0 || positional.length > 1) {
      throw new UsageError(
        unknown.length > 0 ? `unknown option ${unknown[0]}` : 'give at most one PROVIDER',
        USAGE,
      );
    }
    const provider = positional[0];
    if (provider !== undefined) {
      try {
        validateProvider(provider);
      } catch (err) {
        throw new UsageError(
          (err as Error).message,
          'Provider names look like kiro, iflow, claude, gemini-cli.',
        );
      }
    }
    let config: Config;
    try {
      config = loadConfig(ctx.env);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      writeLine(ctx.stderr, `auth-bot status: ${err.message}`);
      return EXIT.usage;
    }
    const client = createClientFromConfig(config);
    try {
      const report = await gatherStatus(client, {
        provider,
        now: Date.now,
        staleCooldownMs: config.watch.staleCooldownMs,
      });
      if (flags.has('--json')) writeLine(ctx.stdout, JSON.stringify(toStatusJson(report), null, 2));
      else writeLine(ctx.stdout, formatStatusText(report));
      if (report.server.error)
        writeLine(ctx.stderr, `auth-bot status: ${formatServerError(report.server.error)}`);
      if (!config.proxy.managementKey) return EXIT.usage;
      return isHealthy(report) ? EXIT.ok : EXIT.unhealthy;
    } finally {
      await client.close();
    }
  },
};
