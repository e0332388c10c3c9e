// One zod schema for the environment. Nothing else in the project reads process.env.
import { z } from 'zod';
import { parseDuration } from './domain/duration.js';
import { AppError } from './errors.js';

export const DEFAULT_PROXY_URL = 'http://127.0.0.1:8317';
export const DEFAULT_DATABASE_URL = 'file:./data/auth-bot.sqlite';
export const DEFAULT_POLICY_FILE = './policy.yml';

/** Names of variables whose values are secrets: never echoed in errors or logs. */
export const SECRET_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'CLIPROXY_MANAGEMENT_KEY',
  'CLIPROXY_CLIENT_KEY',
  'AUTHBOT_SNAPSHOT_KEY',
  'AUTHBOT_DATABASE_URL',
] as const;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

const duration = (fallback: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(fallback)
      .transform((value, ctx) => {
        const ms = parseDuration(value);
        if (ms === undefined) {
          ctx.addIssue({ code: 'custom', message: `expected a duration like 30s, 5m or 1h, got "${value}"` });
          return z.NEVER;
        }
        return ms;
      }),
  );

const httpUrl = (fallback: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(fallback)
      .refine((v) => /^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v), 'expected an http(s) URL')
      .transform((v) => v.replace(/\/+$/, '')),
  );

const envSchema = z.object({
  SLACK_BOT_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => v.startsWith('xoxb-'), 'must be a bot token starting with xoxb-')
      .optional(),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => v.startsWith('xapp-'), 'must be an app-level token starting with xapp-')
      .optional(),
  ),
  SLACK_API_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => URL.canParse(v), 'expected a URL')
      .transform((v) => (v.endsWith('/') ? v : `${v}/`))
      .optional(),
  ),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  CLIPROXY_URL: httpUrl(DEFAULT_PROXY_URL),
  CLIPROXY_MANAGEMENT_KEY: optionalString,
  CLIPROXY_CLIENT_KEY: optionalString,
  CLIPROXY_CANARY_MODEL: optionalString,
  AUTHBOT_DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(DEFAULT_DATABASE_URL)
      .refine(
        (v) => v.startsWith('file:') || v.startsWith('postgres://') || v.startsWith('postgresql://'),
        'expected file:PATH or postgres://...',
      ),
  ),
  AUTHBOT_POLICY_FILE: optionalString,
  AUTHBOT_RUNBOOK_FILE: optionalString,
  AUTHBOT_SNAPSHOT_INTERVAL: duration('5m'),
  AUTHBOT_STATUS_MAX_AGE: duration('10s'),
  AUTHBOT_WATCH_STALE_COOLDOWN: duration('6h'),
  AUTHBOT_SNAPSHOT_KEEP: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(10_000).default(50),
  ),
  AUTHBOT_SNAPSHOT_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        (v) => Buffer.from(v, 'base64').length === 32,
        'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
      )
      .optional(),
  ),
  AUTHBOT_WATCH_CHANNEL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'expected a Slack channel ID like C0123ABCD')
      .optional(),
  ),
  AUTHBOT_WATCH_INTERVAL: duration('1m').refine((ms) => ms >= 1000, 'must be at least 1s'),
  AUTHBOT_WATCH_EXPIRY_WARN: duration('30m'),
  AUTHBOT_WATCH_REPEAT: duration('4h'),
  AUTHBOT_WATCH_GROUP: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1000).default(5)),
  AUTHBOT_DIGEST_AT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (UTC), e.g. 09:00')
      .optional(),
  ),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
    z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  ),
});

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Config {
  slack: {
    botToken: string | undefined;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
    socketMode: boolean;
  };
  http: { port: number; host: string };
  proxy: {
    url: string;
    managementKey: string | undefined;
    clientKey: string | undefined;
    canaryModel: string | undefined;
  };
  databaseUrl: string;
  policyFile: string;
  policyFileExplicit: boolean;
  runbookFile: string | undefined;
  snapshot: { intervalMs: number; keep: number; key: Buffer | undefined };
  /** How old a status read may be to answer /auth-status at once (0: every command reads the proxy). */
  statusMaxAgeMs: number;
  watch: WatchConfig;
  logLevel: LogLevel;
}

export interface WatchConfig {
  /** Where alerts go; undefined: the watch is off. */
  channel: string | undefined;
  intervalMs: number;
  expiryWarnMs: number;
  staleCooldownMs: number;
  repeatMs: number;
  group: number;
  /** Minutes after midnight UTC of the daily digest; undefined: no digest. */
  digestAtMinute: number | undefined;
}

export class ConfigError extends AppError {
  constructor(readonly problems: string[]) {
    super('bad_config', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint: 'Fix the variables named above (see README.md, "Configuration").',
    });
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError listing every problem (names only, never values). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      return `${name}: ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      socketMode: e.SLACK_APP_TOKEN !== undefined,
    },
    http: { port: e.PORT, host: e.HOST },
    proxy: {
      url: e.CLIPROXY_URL,
      managementKey: e.CLIPROXY_MANAGEMENT_KEY,
      clientKey: e.CLIPROXY_CLIENT_KEY,
      canaryModel: e.CLIPROXY_CANARY_MODEL,
    },
    databaseUrl: e.AUTHBOT_DATABASE_URL,
    policyFile: e.AUTHBOT_POLICY_FILE ?? DEFAULT_POLICY_FILE,
    policyFileExplicit: e.AUTHBOT_POLICY_FILE !== undefined,
    runbookFile: e.AUTHBOT_RUNBOOK_FILE,
    statusMaxAgeMs: e.AUTHBOT_STATUS_MAX_AGE,
    snapshot: {
      intervalMs: e.AUTHBOT_SNAPSHOT_INTERVAL,
      keep: e.AUTHBOT_SNAPSHOT_KEEP,
      key: e.AUTHBOT_SNAPSHOT_KEY === undefined ? undefined : Buffer.from(e.AUTHBOT_SNAPSHOT_KEY, 'base64'),
    },
    watch: {
      channel: e.AUTHBOT_WATCH_CHANNEL,
      intervalMs: e.AUTHBOT_WATCH_INTERVAL,
      expiryWarnMs: e.AUTHBOT_WATCH_EXPIRY_WARN,
      staleCooldownMs: e.AUTHBOT_WATCH_STALE_COOLDOWN,
      repeatMs: e.AUTHBOT_WATCH_REPEAT,
      group: e.AUTHBOT_WATCH_GROUP,
      digestAtMinute:
        e.AUTHBOT_DIGEST_AT === undefined
          ? undefined
          : Number(e.AUTHBOT_DIGEST_AT.slice(0, 2)) * 60 + Number(e.AUTHBOT_DIGEST_AT.slice(3)),
    },
    logLevel: e.LOG_LEVEL,
  };
}

/** Problems that stop `serve` (Slack settings), beyond what loadConfig already checks. */
export function slackProblems(config: Config): string[] {
  const problems: string[] = [];
  if (!config.slack.botToken)
    problems.push('SLACK_BOT_TOKEN: missing (the xoxb- bot token from "OAuth & Permissions")');
  if (!config.slack.socketMode && !config.slack.signingSecret) {
    problems.push(
      'SLACK_SIGNING_SECRET: missing (from "Basic Information"), or set SLACK_APP_TOKEN (xapp-...) to use Socket Mode',
    );
  }
  return problems;
}
