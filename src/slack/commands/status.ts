// /auth-status [provider]: ack at once, gather the status under a deadline, answer ephemerally.
// A hanging proxy still gets the user an answer (the error view) well within 10 s.
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { gatherStatus } from '../../cliproxy/gather-status.js';
import { isProviderName, validateProvider } from '../../cliproxy/names.js';
import { createStatusReader, type StatusRead, type StatusReader } from '../../cliproxy/status-reader.js';
import type { ManagementClient } from '../../cliproxy/types.js';
import { createLimiter } from '../../domain/limiter.js';
import { AppError, describeError } from '../../errors.js';
import type { Responder } from '../respond.js';
import { type RowActions, type StatusView, statusErrorView, statusView } from '../views/status.js';

export interface StatusCommandDeps {
  proxy: ManagementClient;
  logger: Logger;
  now: () => number;
  /** How long the answer may take in all (default 8 s: Slack users wait, the proxy may hang). */
  deadlineMs?: number;
  /** Posts answers to response_url (main.ts passes a pooled one); default: Bolt's respond(). */
  responder?: Responder;
  /** Shared status reads (default: one of its own, keeping reads DEFAULT_STATUS_MAX_AGE_MS). */
  reader?: StatusReader;
  /** Runbook row id → its approval-gated action: names the fix and offers Request fix. */
  rowActions?: RowActions;
  /** A cooldown longer than this is stale (AUTHBOT_WATCH_STALE_COOLDOWN; default 6 h). */
  staleCooldownMs?: number | undefined;
  /** An answer went out: from a recent read (in the ack) or after a read of the proxy (metrics). */
  onAnswer?: (source: 'recent_read' | 'proxy_read') => void;
}

/** How old a kept status read may be to answer /auth-status at once (AUTHBOT_STATUS_MAX_AGE). */
export const DEFAULT_STATUS_MAX_AGE_MS = 10_000;

export const STATUS_DEADLINE_MS = 8000;

/** Answers posted to response_url at once; the rest queue (one proxy read can release thousands). */
export const RESPOND_CONCURRENCY = 32;

/** Runs `work`, or rejects with AppError timeout after `ms`. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError(
            'timeout',
            `${what} took longer than ${(ms / 1000).toFixed(0)} s; the proxy may be hanging.`,
            {
              hint: 'Check that CLIProxyAPI is running and answering, and CLIPROXY_URL.',
            },
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Commands that shared one status read share its view too (built once per read and provider). */
const views = new WeakMap<StatusRead, Map<string, StatusView>>();

function viewOf(read: StatusRead, provider: string | undefined, rowActions?: RowActions): StatusView {
  const byProvider = views.get(read) ?? new Map<string, StatusView>();
  views.set(read, byProvider);
  const key = provider ?? '';
  const view =
    byProvider.get(key) ??
    statusView(read.report, { provider, readAt: read.readAt, ...(rowActions ? { rowActions } : {}) });
  byProvider.set(key, view);
  return view;
}

/** The provider named in the command text, lower-cased; undefined for "all". */
function providerOf(text: string): string | undefined {
  return text.trim().split(/\s+/)[0]?.toLowerCase() || undefined;
}

async function readOnce(deps: StatusCommandDeps, provider: string | undefined): Promise<StatusRead> {
  const readAt = deps.now();
  return {
    report: await gatherStatus(deps.proxy, {
      provider,
      now: deps.now,
      staleCooldownMs: deps.staleCooldownMs,
    }),
    readAt,
  };
}

/** What /auth-status answers for `text` (an optional provider). Never throws. */
export async function answerStatus(deps: StatusCommandDeps, text: string): Promise<StatusView> {
  const provider = providerOf(text);
  try {
    if (provider) validateProvider(provider);
    const read = await withDeadline(
      deps.reader ? deps.reader.read(provider ?? '') : readOnce(deps, provider),
      deps.deadlineMs ?? STATUS_DEADLINE_MS,
      'Reading the proxy status',
    );
    return viewOf(read, provider, deps.rowActions);
  } catch (err) {
    deps.logger.warn({ err }, '/auth-status failed');
    return statusErrorView(describeError(err));
  }
}

/** The reader main.ts shares with the rest of the bot (which invalidates it when it changes the proxy). */
export function createStatusCommandReader(
  deps: Pick<StatusCommandDeps, 'proxy' | 'logger' | 'now' | 'staleCooldownMs'>,
  maxAgeMs: number,
): StatusReader {
  return createStatusReader(
    (key) =>
      gatherStatus(deps.proxy, {
        provider: key || undefined,
        now: deps.now,
        staleCooldownMs: deps.staleCooldownMs,
      }),
    {
      now: deps.now,
      maxAgeMs,
      onBackgroundError: (err) => deps.logger.warn({ err }, 'background status refresh failed'),
    },
  );
}

/** The message for a view: the same in an ack and on response_url. */
const ephemeral = (view: StatusView) => ({
  response_type: 'ephemeral',
  text: view.text,
  blocks: view.blocks,
});

/** A command waiting for a read of the proxy: a few strings, not a request. */
interface Waiter {
  responseUrl: string | undefined;
  /** Bolt's respond(), kept only when there is no pooled responder (tests). */
  respond: ((message: Record<string, unknown>) => Promise<unknown>) | undefined;
  user: string;
  channel: string;
  started: number;
}

export function registerStatusCommand(app: App, deps: StatusCommandDeps): void {
  const reader = deps.reader ?? createStatusCommandReader(deps, DEFAULT_STATUS_MAX_AGE_MS);
  const post = createLimiter(RESPOND_CONCURRENCY);
  const log = deps.logger.child({ command: '/auth-status' });
  /**
   * Commands waiting on the read of each key (provider, '' for all): all of them get its one answer. A
   * group belongs to one reader generation: after the bot changed the proxy, newcomers start a new read.
   */
  const waiting = new Map<string, { generation: number; waiters: (Waiter | undefined)[] }>();

  /**
   * Posts one answer to every waiter. A fixed set of workers walks the list (each post also goes through
   * the shared limiter): a burst of thousands of waiting commands allocates no promise, closure or async
   * frame per command while the answers go out, and each entry is let go as soon as it was answered.
   */
  const deliver = async (view: StatusView, waiters: (Waiter | undefined)[]) => {
    const message = ephemeral(view);
    const body = JSON.stringify(message); // once for every waiter
    const responder = deps.responder;
    const count = waiters.length;
    const first = waiters[0]?.started ?? deps.now();
    let next = 0;
    let failed = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const w = waiters[i] as Waiter;
        waiters[i] = undefined;
        try {
          await post(() =>
            w.respond || !responder || !w.responseUrl
              ? (w.respond?.(message) ?? Promise.resolve())
              : responder.post(w.responseUrl, body),
          );
          deps.onAnswer?.('proxy_read');
        } catch (err) {
          failed++;
          log.error({ err, user: w.user, channel: w.channel }, 'could not answer /auth-status');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(RESPOND_CONCURRENCY, count) }, worker));
    log.info(
      { commands: count, failed, durationMs: deps.now() - first },
      'answered /auth-status after reading the proxy',
    );
  };

  app.command('/auth-status', async ({ command, ack, respond }) => {
    const provider = providerOf(command.text ?? '');
    if (provider !== undefined && !isProviderName(provider)) {
      // nothing to read: the error goes back in the acknowledgement
      const view = await answerStatus({ ...deps, reader, logger: log }, provider);
      await ack(ephemeral(view) as never);
      return;
    }
    const key = provider ?? '';
    // A recent read answers in the acknowledgement itself: no proxy call, no response_url post.
    const recent = reader.recent(key);
    if (recent) {
      const view = viewOf(recent, provider, deps.rowActions);
      await ack(ephemeral(view) as never);
      deps.onAnswer?.('recent_read');
      return;
    }
    await ack();
    // The answer can take seconds (a slow proxy): it follows in the background, so Bolt releases this
    // request at once; during an incident burst, a waiting command holds a few strings, not a request.
    const waiter: Waiter = {
      responseUrl: command.response_url,
      respond: deps.responder && command.response_url ? undefined : (m) => respond(m as never),
      user: command.user_id,
      channel: command.channel_id,
      started: deps.now(),
    };
    const generation = reader.generation();
    const joined = waiting.get(key);
    if (joined && joined.generation === generation) {
      joined.waiters.push(waiter);
      return;
    }
    const group = { generation, waiters: [waiter] as (Waiter | undefined)[] };
    waiting.set(key, group);
    const answered = (view: StatusView) => {
      if (waiting.get(key) === group) waiting.delete(key);
      return deliver(view, group.waiters);
    };
    void answerStatus({ ...deps, reader, logger: log }, key)
      .then(answered, (err: unknown) => answered(statusErrorView(describeError(err))))
      .catch((err: unknown) => log.error({ err }, 'could not answer /auth-status'));
  });
}
