// One error vocabulary: every failure a person can meet has a stable code, the runbook row to read,
// and a hint saying what to do. `describeError` turns anything thrown into that shape.
import { defaultRedactor, type Redactor } from './domain/redact.js';

export type ErrorCode =
  | 'bad_config'
  | 'bad_usage'
  | 'unreachable'
  | 'timeout'
  | 'unauthorized'
  | 'management_disabled'
  | 'ip_banned'
  | 'remote_disabled'
  | 'route_missing'
  | 'not_found'
  | 'bad_request'
  | 'bad_response'
  | 'response_too_large'
  | 'server_error'
  | 'conflict'
  | 'forbidden'
  | 'slack_error'
  | 'store_error'
  | 'internal';

export interface AppErrorOptions {
  runbook?: string | undefined;
  hint?: string | undefined;
  cause?: unknown;
  details?: Record<string, unknown> | undefined;
}

export class AppError extends Error {
  readonly runbook: string | undefined;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.runbook = options.runbook;
    this.hint = options.hint;
    this.details = options.details;
  }
}

export class UsageError extends AppError {
  constructor(message: string, hint?: string) {
    super('bad_usage', message, { hint });
    this.name = 'UsageError';
  }
}

export interface ErrorDescription {
  code: ErrorCode;
  /** What happened, in one sentence. Never contains a secret. */
  message: string;
  /** Runbook row id to read, if one fits. */
  runbook: string | undefined;
  /** What to do next. */
  hint: string | undefined;
}

/** Turns any thrown value into what a person sees. Unknown errors never leak their stack. */
export function describeError(err: unknown, redactor: Redactor = defaultRedactor): ErrorDescription {
  if (err instanceof AppError) {
    return {
      code: err.code,
      message: redactor.text(err.message),
      runbook: err.runbook,
      hint: err.hint === undefined ? undefined : redactor.text(err.hint),
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: 'internal',
    message: `Unexpected error: ${redactor.text(message).slice(0, 300)}`,
    runbook: undefined,
    hint: 'This is a bug in the bot; the details are in its log.',
  };
}

/** One line for a terminal or a chat message. */
export function formatError(d: ErrorDescription): string {
  const parts = [d.message];
  if (d.runbook) parts.push(`Runbook: ${d.runbook}.`);
  if (d.hint) parts.push(d.hint);
  return parts.join(' ');
}
