// `auth-bot watch --once [--json]`: one watch poll without Slack, for cron and for checking the watch's
// view of the proxy. Prints every condition true right now; exit 1 when any.
import { createClientFromConfig } from '../cliproxy/from-config.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { credentialDetector, observePoll, toAlertLines } from '../domain/watch/report.js';
import { UsageError } from '../errors.js';
import { memoryExpiryCache, readCredentials } from '../watch/read-credentials.js';
import { type CliCommand, EXIT, parseFlags, writeLine } from './types.js';

const USAGE = `Usage: auth-bot watch --once [--json]

Runs one poll of the credential watch against the proxy (CLIPROXY_URL, key CLIPROXY_MANAGEMENT_KEY),
without Slack, and prints every alert condition present now: expiring (within AUTHBOT_WATCH_EXPIRY_WARN),
expired, refresh-stopped, suspended, cooldown, stale-cooldown (AUTHBOT_WATCH_STALE_COOLDOWN), proxy-down,
key-rejected. No two-poll damping and no silences: those shape what the bot posts, not what is true.

Options:
  --once   required: one poll, then exit (the continuous watch runs inside \`auth-bot serve\`)
  --json   print {"server": {"url","reachable","version","error"?}, "alerts": [{"credential","provider",
           "condition","since","expires_at","next_retry_after","runbook","action"}]}

Exit codes: 0 no alert, 1 at least one alert, 2 bad usage or bad config.`;

export const watchCommand: CliCommand = {
  name: 'watch',
  summary: 'one credential-watch poll without Slack (--once)',
  usage: USAGE,
  async run(args, ctx) {
    const { positional, flags, unknown } = parseFlags(args, ['--json', '--once']);
    if (unknown.length > 0 || positional.length > 0) {
      throw new UsageError(
        unknown.length > 0 ? `unknown option ${unknown[0]}` : 'watch takes no arguments',
        USAGE,
      );
    }
    if (!flags.has('--once')) {
      throw new UsageError('give --once (the continuous watch runs inside `auth-bot serve`)', USAGE);
    }
    let config: Config;
    try {
      config = loadConfig(ctx.env);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      writeLine(ctx.stderr, `auth-bot watch: ${err.message}`);
      return EXIT.usage;
    }
    if (!config.proxy.managementKey) {
      writeLine(
        ctx.stderr,
        'auth-bot watch: CLIPROXY_MANAGEMENT_KEY is not set; the watch reads the management API.',
      );
      return EXIT.usage;
    }
    const client = createClientFromConfig(config);
    try {
      const now = Date.now();
      const read = await readCredentials(
        client,
        memoryExpiryCache(),
        { now, expiryWarnMs: config.watch.expiryWarnMs },
        credentialDetector(now, {
          expiryWarnMs: config.watch.expiryWarnMs,
          staleCooldownMs: config.watch.staleCooldownMs,
        }),
      );
      const observations = observePoll(read);
      const alerts = toAlertLines(observations, () => now);
      const server = read.ok
        ? { url: config.proxy.url, reachable: true, version: client.serverVersion ?? null }
        : {
            url: config.proxy.url,
            reachable: read.failure !== 'down',
            version: client.serverVersion ?? null,
            error: { code: read.failure, message: read.detail, runbook: read.runbook ?? null },
          };
      if (flags.has('--json')) {
        writeLine(ctx.stdout, JSON.stringify({ server, alerts }, null, 2));
      } else {
        writeLine(ctx.stdout, `Proxy ${server.url}: ${read.ok ? 'read' : `not read (${read.detail})`}`);
        if (alerts.length === 0) writeLine(ctx.stdout, 'No alerts.');
        for (const a of alerts) {
          const who = a.credential ? `${a.credential} (${a.provider})` : 'proxy';
          const act = a.action ? `, action ${a.action}` : ', needs a human';
          writeLine(ctx.stdout, `✗ ${a.condition}: ${who}  [runbook: ${a.runbook.join(', ')}${act}]`);
        }
      }
      return alerts.length > 0 ? EXIT.unhealthy : EXIT.ok;
    } finally {
      await client.close();
    }
  },
};
