// What every command and button goes through before and after its listener (the router in app.ts calls it):
// - the policy's `channels`: outside them nothing runs (no proxy read, no paid canary, no vote); the user
//   gets an ephemeral refusal naming the allowed channels;
// - a listener that throws: the user gets an ephemeral "could not ..., reference <id>", and the log line
//   with the error carries the same reference, so the one can be found from the other.
import { randomBytes } from 'node:crypto';
import { channelRefusal } from '../domain/approvals/authorize.js';
import type { Policy } from '../domain/approvals/policy.js';
import type { Logger } from '../logger.js';

export type GuardOutcome = 'ok' | 'refused' | 'error';

export interface ListenerGuard {
  /** Runs `next` with the listener arguments unless the channel is refused; answers the user when it throws. */
  run(
    name: string,
    args: unknown,
    isAction: boolean,
    next: (args: unknown) => Promise<void>,
  ): Promise<GuardOutcome>;
}

/** What the refusal says each command or button may not do here. */
const REFUSED: Record<string, string> = {
  '/auth-audit': 'The audit trail can only be read in',
  '/auth-refresh': 'Changes can only be requested in',
  '/auth-rollback': 'Snapshots and rollbacks can only be used in',
  '/auth-status': 'The proxy status can only be read in',
  '/auth-why': 'Runbook look-ups can only be made in',
  approve: 'Votes can only be cast in',
  deny: 'Votes can only be cast in',
  offer: 'Alternatives can only be requested in',
  fix_request: 'Fixes can only be requested in',
  check_run: 'Checks can only be run in',
  why_share: 'Runbook answers can only be shared in',
};

/** What the error answer says could not be done ("Could not <what>"). */
const FAILED: Record<string, string> = {
  '/auth-audit': 'read the audit trail',
  '/auth-refresh': 'open the refresh request',
  '/auth-rollback': 'handle /auth-rollback',
  '/auth-status': 'read the proxy status',
  '/auth-why': 'look that up in the runbook',
  approve: 'record your vote',
  deny: 'record your vote',
  offer: 'request that alternative',
  fix_request: 'request that fix',
  check_run: 'run the check',
  why_share: 'share the answer',
};

/** The family of a button ("offer:relogin" -> "offer", "check_run:R1" -> "check_run"). */
const familyOf = (name: string) => name.split(':')[0] ?? name;

interface Who {
  channel: string;
  user: string;
}

function whoOf(args: unknown, isAction: boolean): Who {
  if (!isAction) {
    const command = (args as { command?: { channel_id?: string; user_id?: string } }).command ?? {};
    return { channel: command.channel_id ?? '', user: command.user_id ?? '' };
  }
  const body =
    (
      args as {
        body?: { user?: { id?: string }; channel?: { id?: string }; container?: { channel_id?: string } };
      }
    ).body ?? {};
  return { channel: body.channel?.id ?? body.container?.channel_id ?? '', user: body.user?.id ?? '' };
}

type Respond = (message: Record<string, unknown>) => Promise<unknown>;
interface Answerable {
  respond?: Respond;
  client?: { chat?: { postEphemeral?: (args: Record<string, unknown>) => Promise<unknown> } };
}

/** An ephemeral answer: through response_url when the payload has one, else chat.postEphemeral. */
async function answer(args: unknown, who: Who, text: string): Promise<void> {
  const a = args as Answerable;
  const hasResponseUrl =
    typeof (args as { body?: { response_url?: unknown } }).body?.response_url === 'string' ||
    typeof (args as { command?: { response_url?: unknown } }).command?.response_url === 'string';
  if (a.respond && hasResponseUrl) {
    await a.respond({ response_type: 'ephemeral', replace_original: false, text });
    return;
  }
  await a.client?.chat?.postEphemeral?.({ channel: who.channel, user: who.user, text });
}

/** A short id to quote to whoever runs the bot; the same id is in the log line with the error. */
export const newReference = () => `E-${randomBytes(4).toString('hex')}`;

export function createListenerGuard(deps: {
  policy: Pick<Policy, 'channels'>;
  logger: Logger;
  newReference?: () => string;
}): ListenerGuard {
  const reference = deps.newReference ?? newReference;
  return {
    async run(name, args, isAction, next) {
      const family = familyOf(name);
      const who = whoOf(args, isAction);
      let acked = false;
      const original = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
      const ack = async (response?: unknown) => {
        acked = true;
        await original?.(response);
      };
      const ackOnce = async () => {
        if (!acked) await ack();
      };
      const log = deps.logger.child({
        [isAction ? 'action' : 'command']: name,
        user: who.user,
        channel: who.channel,
      });
      const allowed = channelRefusal(deps.policy, who.channel);
      if (allowed !== undefined) {
        await ackOnce();
        const what = REFUSED[family] ?? `${name} can only be used in`;
        await answer(args, who, `:no_entry: ${what} ${allowed} (policy \`channels\`).`).catch(
          (err: unknown) => log.warn({ err }, 'could not answer a refusal outside the allowed channels'),
        );
        log.info('refused outside the allowed channels');
        return 'refused';
      }
      try {
        await next({ ...(args as object), ack });
        return 'ok';
      } catch (err) {
        const ref = reference();
        log.error({ err, reference: ref }, `${name} failed`);
        await ackOnce().catch(() => undefined);
        const what = FAILED[family] ?? `handle ${name}`;
        await answer(
          args,
          who,
          `:x: Could not ${what}; reference \`${ref}\` (the details are in the bot log).`,
        ).catch((answerErr: unknown) =>
          log.error({ err: answerErr, reference: ref }, 'could not tell the user about the failure'),
        );
        return 'error';
      }
    },
  };
}
