// Structured, safe logs: pino JSON with redaction paths, a text scrubber for known secret values,
// child loggers per request, and an adapter that gives Bolt the same logger and level.
import { type Logger as BoltLogger, LogLevel as BoltLogLevel } from '@slack/bolt';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';
import { REDACTED, Redactor } from './domain/redact.js';

export type { Logger } from 'pino';

const SECRET_FIELDS = [
  'authorization',
  'Authorization',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'secret',
  'secret-key',
  'password',
  'api_key',
  'apiKey',
  'api-key',
  'api-keys',
  'cookie',
  'key',
  'managementKey',
  'clientKey',
  'botToken',
  'appToken',
  'signingSecret',
  'response_url',
  'responseUrl',
  'x-slack-signature',
  'x-management-key',
];

/**
 * pino redaction paths: each secret field at the top level and one level down (child bindings included).
 * Deeper levels are covered by the logMethod hook, which scrubs every argument by key at any depth;
 * wildcard paths two and three levels down cost more CPU per log line than the rest of a command.
 */
export const REDACT_PATHS: string[] = SECRET_FIELDS.flatMap((f) => {
  const k = /^[A-Za-z_$][\w$]*$/.test(f) ? `.${f}` : `["${f}"]`;
  return [k.slice(k.startsWith('.') ? 1 : 0), `*${k}`];
});

export interface LoggerOptions {
  level: LogLevel;
  secrets?: Iterable<string | undefined>;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const redactor = new Redactor(options.secrets ?? []);
  return pino(
    {
      level: options.level,
      base: { app: 'cliproxy-auth-bot' },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: {
        // last line of defence: scrub known secret values and token shapes from every string argument
        logMethod(args, method) {
          const clean = args.map((a) =>
            typeof a === 'string' ? redactor.text(a) : redactor.value(a, 0, true),
          );
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (err: unknown) => {
          if (!(err instanceof Error)) return redactor.value(err);
          const s = pino.stdSerializers.err(err);
          return redactor.value({ ...s, stack: s.stack ? redactor.text(s.stack) : undefined });
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

const TO_BOLT: Record<LogLevel, BoltLogLevel> = {
  debug: BoltLogLevel.DEBUG,
  info: BoltLogLevel.INFO,
  warn: BoltLogLevel.WARN,
  error: BoltLogLevel.ERROR,
};

export function boltLogLevel(level: LogLevel): BoltLogLevel {
  return TO_BOLT[level];
}

const MESSAGE_BODY_LINE = /^(http request body|http request result):/;

/** Bolt's Logger interface on top of a pino logger (same destination, same redaction, same level). */
export function toBoltLogger(base: Logger, level: LogLevel): BoltLogger {
  let logger = base.child({ component: 'bolt' });
  let current = TO_BOLT[level];
  const emit = (fn: 'debug' | 'info' | 'warn' | 'error', msgs: unknown[]) => {
    if (!logger.isLevelEnabled(fn)) return; // Bolt logs at debug on every request: build nothing for it
    const [first, ...rest] = msgs;
    // the Web API client's debug lines with whole request / answer bodies: a message meant for one person
    // (a re-login link sent privately) must not reach the log, so only the line's name is kept
    const body = typeof first === 'string' ? MESSAGE_BODY_LINE.exec(first) : null;
    if (body) return void logger[fn](`${body[1]}: (not logged: it may hold a message meant for one person)`);
    if (first instanceof Error) logger[fn]({ err: first }, rest.map(String).join(' ') || first.message);
    else logger[fn](msgs.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' '));
  };
  return {
    debug: (...m: unknown[]) => emit('debug', m),
    info: (...m: unknown[]) => emit('info', m),
    warn: (...m: unknown[]) => emit('warn', m),
    error: (...m: unknown[]) => emit('error', m),
    setLevel: (l: BoltLogLevel) => {
      current = l;
      logger.level = l;
    },
    getLevel: () => current,
    setName: (name: string) => {
      logger = base.child({ component: name });
    },
  };
}
