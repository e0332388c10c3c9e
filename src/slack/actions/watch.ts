// Buttons on watch alerts. `watch_fix` opens the usual approval-gated request for the alert's action;
// `watch_silence` offers 1 hour / 1 day / 1 week; `watch_silence_for:<d>` sets it. The button's value
// (an alert key) is only a name to look up: the alert must exist in the store, and the user must be in
// an allowed channel; authority comes from the verified payload's user, as for every click.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { ApprovalEngine } from '../../approvals/engine.js';
import type { OutgoingMessage } from '../../approvals/messenger.js';
import { channelRefusal } from '../../domain/approvals/authorize.js';
import type { Policy } from '../../domain/approvals/policy.js';
import { CONDITIONS } from '../../domain/watch/conditions.js';
import type { AlertState } from '../../domain/watch/evaluate.js';
import type { Logger } from '../../logger.js';
import type { ActionName, Store } from '../../store/types.js';
import { addSilence } from '../../watch/silences.js';
import {
  SILENCE_CHOICES,
  silenceChoices,
  WATCH_FIX_ACTION,
  WATCH_SILENCE_ACTION,
  WATCH_SILENCE_FOR_ACTION,
} from '../../watch/views.js';
import { escapeMrkdwn } from '../views/limits.js';

export interface WatchActionDeps {
  store: Store;
  engine: () => Pick<ApprovalEngine, 'requestAction' | 'requestCooldownReset'> | undefined;
  policy: Pick<Policy, 'channels'>;
  logger: Logger;
  proxy: string;
  now: () => number;
  /** The action ids the engine knows (a watch action it does not know is refused, not sent). */
  knownActions: readonly string[];
}

const KEY = /^[a-z-]+\|[^\s|]{1,200}$/;

async function findAlert(deps: WatchActionDeps, value: string | undefined): Promise<AlertState | undefined> {
  if (!value || value.length > 260 || !KEY.test(value)) return undefined;
  const alerts = await deps.store.watch.loadAlerts(deps.proxy);
  return alerts.find((a) => a.state.key === value)?.state;
}

export function registerWatchActions(app: App, deps: WatchActionDeps): void {
  const handle = (
    pattern: string | RegExp,
    run: (a: {
      alert: AlertState;
      userId: string;
      channel: string;
      actionId: string;
    }) => Promise<string | OutgoingMessage | undefined>,
  ) => {
    app.action<BlockAction<ButtonAction>>(pattern, async ({ ack, body, action, respond }) => {
      await ack();
      const userId = body.user.id;
      const channel = body.channel?.id ?? body.container?.channel_id ?? '';
      const log = deps.logger.child({ action: action.action_id, user: userId, channel });
      const say = (answer: string | OutgoingMessage) => {
        const m = typeof answer === 'string' ? { text: answer } : answer;
        return respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: m.text,
          ...(m.blocks ? { blocks: m.blocks as never } : {}),
        }).catch((err: unknown) => log.warn({ err }, 'could not answer a watch button'));
      };
      try {
        const outside = channelRefusal(deps.policy, channel);
        if (outside !== undefined)
          return void (await say(
            `:no_entry: Alerts can be handled only in ${outside} (policy \`channels\`).`,
          ));
        const alert = await findAlert(deps, action.value);
        if (!alert)
          return void (await say(
            'That alert is no longer known to the watch (it may have resolved long ago).',
          ));
        const reply = await run({ alert, userId, channel, actionId: action.action_id });
        if (reply) await say(reply);
      } catch (err) {
        log.error({ err }, 'watch button failed');
        await say('Could not handle that click; see the bot log.');
      }
    });
  };

  handle(WATCH_FIX_ACTION, async ({ alert, userId, channel }) => {
    const action = CONDITIONS[alert.condition].action;
    if (!action || !alert.credential || !alert.provider)
      return `\`${alert.condition}\` has no automatic fix: it needs a human.`;
    if (!deps.knownActions.includes(action)) return `This bot cannot run \`${action}\` yet.`;
    const engine = deps.engine();
    if (!engine) return 'The approval engine is not running.';
    // a cooldown reset goes through its own opener (probe, pick, per-credential target)
    const r =
      action === 'reset-cooldown'
        ? await engine.requestCooldownReset({
            userId,
            channel,
            credential: alert.credential,
            source: `watch:${alert.key}`,
          })
        : await engine.requestAction({
            userId,
            channel,
            action: action as ActionName,
            provider: alert.provider,
            credential: action === 'relogin' ? undefined : alert.credential,
            source: `watch:${alert.key}`,
          });
    return r.ok ? undefined : r.reason;
  });

  handle(WATCH_SILENCE_ACTION, async ({ alert }) => silenceChoices(alert.key));

  handle(new RegExp(`^${WATCH_SILENCE_FOR_ACTION}:`), async ({ alert, userId, actionId }) => {
    const choice = SILENCE_CHOICES.find((c) => actionId === `${WATCH_SILENCE_FOR_ACTION}:${c.duration}`);
    if (!choice || !alert.credential) return 'Unknown silence duration.';
    const s = await addSilence(deps.store, deps.proxy, {
      credential: alert.credential,
      condition: alert.condition,
      durationMs: choice.ms,
      userId,
      now: deps.now(),
    });
    return `:mute: \`${alert.condition}\` of \`${escapeMrkdwn(alert.credential)}\` silenced for ${choice.label} (id \`${s.id}\`; \`/auth-watch unsilence ${s.id}\` ends it).`;
  });
}
