// /auth-watch: firing alerts and active silences; `/auth-watch silence CREDENTIAL DURATION` and
// `/auth-watch unsilence ID`. Answers are ephemeral; silences are audited.
import type { App } from '@slack/bolt';
import { channelRefusal } from '../../domain/approvals/authorize.js';
import type { Policy } from '../../domain/approvals/policy.js';
import type { Logger } from '../../logger.js';
import type { Store } from '../../store/types.js';
import {
  addSilence,
  endSilence,
  parseSilenceDuration,
  SILENCE_ID,
  validCredentialName,
} from '../../watch/silences.js';
import { watchListing } from '../../watch/views.js';
import { escapeMrkdwn } from '../views/limits.js';

export interface WatchCommandDeps {
  store: Store;
  logger: Logger;
  policy: Pick<Policy, 'channels'>;
  /** Names the proxy in the store's keys. */
  proxy: string;
  now: () => number;
  /** false when AUTHBOT_WATCH_CHANNEL is unset: the command says how to turn the watch on. */
  enabled: boolean;
}

const USAGE =
  'Usage: `/auth-watch` lists firing alerts and silences · `/auth-watch silence CREDENTIAL 1h|1d|1w` · `/auth-watch unsilence ID`';

export async function answerWatch(
  deps: WatchCommandDeps,
  text: string,
  userId: string,
): Promise<string | { text: string; blocks: unknown[] }> {
  const [verb, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  const now = deps.now();
  if (verb === undefined || verb === 'list') {
    const alerts = (await deps.store.watch.loadAlerts(deps.proxy)).map((a) => a.state);
    const view = watchListing(alerts, await deps.store.watch.listSilences(deps.proxy, now), now);
    const off = deps.enabled
      ? ''
      : '\n_The watch is off: set AUTHBOT_WATCH_CHANNEL to a channel ID to turn it on._';
    return {
      text: view.text + off,
      blocks: [
        ...(view.blocks ?? []),
        ...(off ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: off.trim() }] }] : []),
      ],
    };
  }
  if (verb === 'silence') {
    const [credential, ...durationWords] = rest;
    const durationMs = parseSilenceDuration(durationWords.join(' '));
    if (!credential || !validCredentialName(credential) || durationMs === undefined) {
      return `Could not read that silence. ${USAGE} (at most 30 days).`;
    }
    const s = await addSilence(deps.store, deps.proxy, {
      credential,
      condition: null,
      durationMs,
      userId,
      now,
    });
    return `:mute: Silenced \`${escapeMrkdwn(credential)}\` until ${new Date(s.until).toISOString().replace('.000Z', 'Z')} (id \`${s.id}\`). Its alerts still resolve quietly.`;
  }
  if (verb === 'unsilence') {
    const id = (rest[0] ?? '').toUpperCase();
    if (!SILENCE_ID.test(id)) return `Give a silence id like \`SIL-1A2B3C4D\`. ${USAGE}`;
    return (await endSilence(deps.store, deps.proxy, id, userId, now))
      ? `:loud_sound: Silence \`${id}\` ended.`
      : `No active silence \`${id}\` (it may have expired).`;
  }
  return USAGE;
}

export function registerWatchCommand(app: App, deps: WatchCommandDeps): void {
  app.command('/auth-watch', async ({ command, ack, respond }) => {
    await ack();
    const log = deps.logger.child({
      command: '/auth-watch',
      user: command.user_id,
      channel: command.channel_id,
    });
    try {
      const outside = channelRefusal(deps.policy, command.channel_id);
      if (outside !== undefined) {
        await respond({
          response_type: 'ephemeral',
          text: `:no_entry: \`/auth-watch\` works only in ${outside} (policy \`channels\`).`,
        });
        return;
      }
      const answer = await answerWatch(deps, command.text ?? '', command.user_id);
      await respond(
        typeof answer === 'string'
          ? { response_type: 'ephemeral', text: answer }
          : { response_type: 'ephemeral', text: answer.text, blocks: answer.blocks as never },
      );
      log.info('answered /auth-watch');
    } catch (err) {
      log.error({ err }, '/auth-watch failed');
      await respond({
        response_type: 'ephemeral',
        text: 'Could not read the watch state; see the bot log.',
      }).catch(() => undefined);
    }
  });
}
