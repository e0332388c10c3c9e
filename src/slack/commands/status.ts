// /auth-status [provider]: ack at once, gather the status under a deadline, answer ephemerally.
// A hanging proxy still gets the user an answer (the error view) well within 10 s.
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { gatherStatus } from '../../cliproxy/gather-status.js';
import { validateProvider } from '../../cliproxy/names.js';
import { singleFlight } from '../../cliproxy/single-flight.js';
import type { ManagementClient } from '../../cliproxy/types.js';
import { createLimiter } from '../../domain/limiter.js';
import type { StatusReport } from '../../domain/status.js';
import { AppError, describeError } from '../../errors.js';
import type { Responder } from '../respond.js';
import { type StatusView, statusErrorView, statusView } from '../views/status.js';

export interface StatusCommandDeps {
  proxy: ManagementClient;
  logger: Logger;
  now: () => number;
  /** How long the answer may take in all (default 8 s: Slack users wait, the proxy may hang). */
  deadlineMs?: number;
  /** Posts answers to response_url (main.ts passes a pooled one); default: Bolt's respond(). */
  responder?: Responder;
  /** Reads the status (registerStatusCommand: shared by commands arriving within 1 s of each other). */
  gather?: (provider: string | undefined) => Promise<StatusReport>;
}

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

/** Commands that shared one status read share its view too (built once per report and provider). */
const views = new WeakMap<StatusReport, Map<string, StatusView>>();

function viewOf(report: StatusReport, provider: string | undefined): StatusView {
  const byProvider = views.get(report) ?? new Map<string, StatusView>();
  views.set(report, byProvider);
  const key = provider ?? '';
  const view = byProvider.get(key) ?? statusView(report, { provider });
  byProvider.set(key, view);
  return view;
}

/** What /auth-status answers for `text` (an optional provider). Never throws. */
export async function answerStatus(deps: StatusCommandDeps, text: string): Promise<StatusView> {
  const provider = text.trim().split(/\s+/)[0] || undefined;
  try {
    if (provider) validateProvider(provider.toLowerCase());
    const report = await withDeadline(
      deps.gather
        ? deps.gather(provider?.toLowerCase())
        : gatherStatus(deps.proxy, { provider: provider?.toLowerCase(), now: deps.now }),
      deps.deadlineMs ?? STATUS_DEADLINE_MS,
      'Reading the proxy status',
    );
    return viewOf(report, provider?.toLowerCase());
  } catch (err) {
    deps.logger.warn({ err }, '/auth-status failed');
    return statusErrorView(describeError(err));
  }
}

export function registerStatusCommand(app: App, deps: StatusCommandDeps): void {
  const shared = singleFlight((key) =>
    gatherStatus(deps.proxy, { provider: key || undefined, now: deps.now }),
  );
  const gather = deps.gather ?? ((provider: string | undefined) => shared(provider ?? ''));
  const post = createLimiter(RESPOND_CONCURRENCY);
  app.command('/auth-status', async ({ command, ack, respond }) => {
    await ack();
    // The answer can take seconds (a slow proxy): finish it in the background so Bolt releases this
    // request at once; during an incident burst, waiting commands then hold a few bytes, not a request.
    const text = command.text ?? '';
    const log = deps.logger.child({
      command: '/auth-status',
      user: command.user_id,
      channel: command.channel_id,
    });
    const started = deps.now();
    void answerStatus({ ...deps, gather, logger: log }, text)
      .then(async (view) => {
        const message = { response_type: 'ephemeral', text: view.text, blocks: view.blocks };
        const responder = deps.responder;
        await post(() =>
          responder && command.response_url
            ? responder.post(command.response_url, message)
            : respond(message as never).then(() => undefined),
        );
        log.info({ durationMs: deps.now() - started }, 'answered /auth-status');
      })
      .catch((err: unknown) => log.error({ err }, 'could not answer /auth-status'));
  });
}
