// The engine's Messenger over Bolt's WebClient: chat.postMessage / chat.update / chat.postEphemeral, and
// direct messages (conversations.open, then chat.postMessage to the IM it returns; scope im:write).
// Slack errors are caught and logged, never thrown; rate-limited calls are retried a few times
// (the WebClient already waits Retry-After; this covers clients configured with few or no retries).
import { webApi } from '@slack/bolt';
import type { Messenger, OutgoingMessage } from '../approvals/messenger.js';
import { defaultRedactor, type Redactor } from '../domain/redact.js';
import type { Logger } from '../logger.js';

type SlackClient = Pick<webApi.WebClient, 'chat' | 'conversations'>;

export interface SlackMessengerOptions {
  client: SlackClient;
  logger: Logger;
  /** Attempts for a rate-limited call (default 4). */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Observes failed and rate-limited calls (metrics). */
  onError?: (method: string, error: string) => void;
  onRateLimited?: (method: string) => void;
  /** Scrubs every message's text and blocks last, right before Slack (default: token shapes only). */
  redactor?: Redactor;
}

function isRateLimited(err: unknown): number | undefined {
  if (err instanceof webApi.WebAPIRateLimitedError) return err.retryAfter * 1000;
  if (err instanceof webApi.WebAPIRequestError && /rate limit/i.test(err.original?.message ?? err.message))
    return 0;
  const code = (err as { data?: { error?: string } }).data?.error;
  return code === 'ratelimited' ? 1000 : undefined;
}

function errorCode(err: unknown): string {
  return (err as { data?: { error?: string } }).data?.error ?? (err as { code?: string }).code ?? 'unknown';
}

/** What is sent: the text and blocks, redacted (the last line of defence for a secret in proxy text). */
const fieldsFor = (redactor: Redactor) => (m: OutgoingMessage) => ({
  text: redactor.text(m.text),
  ...(m.blocks ? { blocks: redactor.value(m.blocks) as never[] } : {}),
});

export function createSlackMessenger(options: SlackMessengerOptions): Messenger {
  const { client, logger } = options;
  const attempts = options.attempts ?? 4;
  const fields = fieldsFor(options.redactor ?? defaultRedactor);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function call<T>(method: string, fn: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const wait = isRateLimited(err);
        if (wait !== undefined) options.onRateLimited?.(method);
        if (wait !== undefined && attempt < attempts) {
          logger.warn({ method, attempt, waitMs: wait }, 'Slack rate-limited a call; retrying');
          await sleep(Math.min(wait, 30_000));
          continue;
        }
        logger.error({ method, error: errorCode(err), err }, 'Slack call failed');
        options.onError?.(method, errorCode(err));
        return undefined;
      }
    }
  }

  return {
    async postRequest(channel, message) {
      const r = await call('chat.postMessage', () =>
        client.chat.postMessage({ channel, ...fields(message) }),
      );
      return typeof r?.ts === 'string' ? r.ts : null;
    },
    // `call` answers undefined only when Slack refused the call (or it never got there)
    async updateRequest(channel, ts, message) {
      const r = await call('chat.update', () => client.chat.update({ channel, ts, ...fields(message) }));
      return r !== undefined;
    },
    async threadReply(channel, threadTs, message) {
      const r = await call('chat.postMessage', () =>
        client.chat.postMessage({ channel, thread_ts: threadTs, ...fields(message) }),
      );
      return r !== undefined;
    },
    async ephemeral(channel, user, message) {
      const r = await call('chat.postEphemeral', () =>
        client.chat.postEphemeral({ channel, user, ...fields(message) }),
      );
      return r !== undefined;
    },
    // one chat.postMessage per call: only a rate-limited attempt (never posted) is tried again
    async direct(user, message) {
      const opened = await call('conversations.open', () => client.conversations.open({ users: user }));
      const im = opened?.channel?.id;
      if (typeof im !== 'string') return false;
      const r = await call('chat.postMessage', () =>
        client.chat.postMessage({ channel: im, ...fields(message) }),
      );
      return r !== undefined;
    },
  };
}
