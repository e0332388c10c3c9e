// The audit trail: one correlation id (the request id) per request; every proxy call and every message.
import type { CanaryResult, ManagementClient } from '../cliproxy/types.js';
import { defaultRedactor, type Redactor } from '../domain/redact.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { unescapeMrkdwn } from '../slack/mrkdwn.js';
import type { Store } from '../store/types.js';
import type { Messenger, OutgoingMessage } from './messenger.js';

export type AuditFn = (kind: string, actor: string | null, data?: Record<string, unknown>) => Promise<void>;

/** An audit writer bound to one correlation id; failures to write are logged, never thrown. */
export function auditFor(
  store: Store,
  correlationId: string,
  now: () => number,
  logger: Logger,
  redactor: Redactor = defaultRedactor,
): AuditFn {
  return async (kind, actor, data = {}) => {
    try {
      await store.appendAudit({ correlationId, at: now(), kind, actor, data: redactor.value(data) });
    } catch (err) {
      logger.error({ err, kind, correlationId }, 'could not write an audit event');
    }
  };
}

const ROUTES: Record<string, (args: unknown[]) => string> = {
  probe: () => 'GET /v0/management/config',
  getConfig: () => 'GET /v0/management/config',
  getConfigYaml: () => 'GET /v0/management/config.yaml',
  putConfigYaml: () => 'PUT /v0/management/config.yaml',
  listAuthFiles: () => 'GET /v0/management/auth-files',
  scanAuthFiles: () => 'GET /v0/management/auth-files',
  readToken: () => 'GET /v0/management/auth-files/download',
  setDisabled: () => 'PATCH /v0/management/auth-files/status',
  refreshProvider: (a) => `POST /v0/management/auths/${String(a[0])}/refresh`,
  legacyKiroRefresh: () => 'POST /v0/oauth/kiro/refresh',
  startLogin: (a) => `GET /v0/management/${String(a[0])}-auth-url`,
  loginStatus: () => 'GET /v0/management/get-auth-status',
  canary: () => 'POST /v1/chat/completions',
  hasResetQuota: () => 'POST /v0/management/reset-quota',
  resetQuota: () => 'POST /v0/management/reset-quota',
};

function statusOf(result: unknown): number {
  if (result && typeof result === 'object' && 'status' in result) {
    const s = (result as { status: unknown }).status;
    if (typeof s === 'number') return s;
  }
  return 200;
}

/** Wraps a client so each call becomes a `proxy.call` audit event: method, route, status, duration. */
export function auditedClient(client: ManagementClient, audit: AuditFn, now: () => number): ManagementClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || typeof value !== 'function' || !(prop in ROUTES)) return value;
      return async (...args: unknown[]) => {
        const started = now();
        const [method, route] = (ROUTES[prop] as (a: unknown[]) => string)(args).split(' ');
        try {
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          const canary = prop === 'canary' ? (result as CanaryResult) : undefined;
          await audit('proxy.call', null, {
            method,
            route,
            // the reset-quota probe answers 400 where the route exists and 404 where it does not
            status: canary
              ? (canary.status ?? null)
              : prop === 'hasResetQuota'
                ? result
                  ? 400
                  : 404
                : statusOf(result),
            durationMs: now() - started,
            ...(canary?.skipped ? { skipped: canary.skipped } : {}),
            ...(canary && !canary.ok ? { failure: canary.failure ?? 'other' } : {}),
          });
          return result;
        } catch (err) {
          await audit('proxy.call', null, {
            method,
            route,
            status: null,
            error: err instanceof AppError ? err.code : 'internal',
            durationMs: now() - started,
          });
          throw err;
        }
      };
    },
  });
}

/**
 * What the audit event keeps of a message: the first 300 characters of its plain text (unescaped: the trail
 * is escaped again where it is rendered to Slack), or what the message says to keep instead.
 */
const summary = (m: OutgoingMessage): Record<string, unknown> =>
  m.audit ?? { text: unescapeMrkdwn(m.text).slice(0, 300) };

/**
 * Wraps a messenger so every message is an audit event (text only, redacted). A message Slack refused is
 * recorded as `message.failed` (with what it was: posted, updated, thread, ephemeral, dm), never as sent.
 */
export function auditedMessenger(messenger: Messenger, audit: AuditFn): Messenger {
  const record = async (
    kind: 'posted' | 'updated' | 'thread' | 'ephemeral' | 'dm',
    ok: boolean,
    actor: string | null,
    data: Record<string, unknown>,
  ) => {
    if (ok) await audit(`message.${kind}`, actor, { ...data, ok: true });
    else await audit('message.failed', actor, { ...data, ok: false, message: kind });
  };
  return {
    async postRequest(channel, message) {
      const ts = await messenger.postRequest(channel, message);
      await record('posted', ts !== null, null, { channel, ts, ...summary(message) });
      return ts;
    },
    async updateRequest(channel, ts, message) {
      const ok = await messenger.updateRequest(channel, ts, message);
      await record('updated', ok, null, { channel, ts, ...summary(message) });
      return ok;
    },
    async threadReply(channel, threadTs, message) {
      const ok = await messenger.threadReply(channel, threadTs, message);
      await record('thread', ok, null, { channel, threadTs, ...summary(message) });
      return ok;
    },
    async ephemeral(channel, userId, message) {
      const ok = await messenger.ephemeral(channel, userId, message);
      await record('ephemeral', ok, userId, { channel, ...summary(message) });
      return ok;
    },
    async direct(userId, message) {
      const ok = await messenger.direct(userId, message);
      await record('dm', ok, userId, { user: userId, ...summary(message) });
      return ok;
    },
  };
}
