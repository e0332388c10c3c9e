// Thread replies under a request: alternatives to offer, login notes, step results; the approver's private
// login prompt. Pure.
import type { Alternative } from '../../domain/actions/alternatives.js';
import { md, trusted } from '../mrkdwn.js';
import { escapeMrkdwn, LIMITS, truncate } from './limits.js';
import type { SlackMessage } from './request.js';

export const OFFER_ACTION_PREFIX = 'offer:';

export function renderText(text: string): SlackMessage {
  const t = truncate(text, LIMITS.sectionText);
  return {
    text: truncate(text, LIMITS.fallbackText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: t } }],
  };
}

/** "No management refresh route" plus one button per alternative; each click creates a new request. */
export function renderAlternatives(
  parentId: string,
  version: string | undefined,
  provider: string,
  alternatives: readonly Alternative[],
): SlackMessage {
  const head =
    `:information_source: This proxy (build \`${escapeMrkdwn(version ?? 'unknown')}\`) has no management refresh route: ` +
    `\`POST /v0/management/auths/${escapeMrkdwn(provider)}/refresh\` answers 404 while the rest of the management API answers. ` +
    'Nothing was changed. This is not the `refresh-404` row (the management API itself is on).';
  const blocks: Record<string, unknown>[] = [{ type: 'section', text: { type: 'mrkdwn', text: head } }];
  if (alternatives.length === 0) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'This build offers no alternative the bot can run (no login routes, nothing to re-enable).',
      },
    });
  } else {
    const list = alternatives
      .map((a) => `• *${escapeMrkdwn(a.label)}*: ${escapeMrkdwn(a.description)}`)
      .join('\n');
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `What this build supports (each needs its own approval):\n${list}`,
          LIMITS.sectionText,
        ),
      },
    });
    blocks.push({
      type: 'actions',
      block_id: `offers:${parentId}`,
      elements: alternatives.map((a) => ({
        type: 'button',
        action_id: `${OFFER_ACTION_PREFIX}${a.kind}`,
        text: { type: 'plain_text', text: truncate(a.label, LIMITS.buttonText) },
        value: parentId,
      })),
    });
  }
  return {
    text: `No management refresh route on build ${escapeMrkdwn(version ?? 'unknown')}; alternatives offered.`,
    blocks,
  };
}

/**
 * The login URL / device code, for the approver's eyes only (sent as an ephemeral message): whoever opens
 * the URL first completes the login with their own account, so it never goes into the channel.
 */
export function renderLoginPrompt(
  provider: string,
  approver: string | null,
  url: string | undefined,
  code: string | undefined,
): SlackMessage {
  const who = approver ? md`<@${approver}>, ` : '';
  const parts = [md`:key: ${trusted(who)}complete the ${provider} login (only you can see this message):`];
  if (url) parts.push(md`open ${url}`);
  if (code) parts.push(md`and enter the code \`${code}\``);
  parts.push('. The bot is polling the login status and will verify when it completes.');
  return renderText(parts.join(' ').replace(' .', '.'));
}

/** What the thread says instead of the login URL: who received it, privately, in this channel. */
export function renderLoginSentPrivately(provider: string, approver: string): SlackMessage {
  return renderText(
    md`:key: The ${provider} login link was sent privately to <@${approver}> in this channel. The bot is polling the login status and will verify when it completes.`,
  );
}

/** When Slack refused the private message in the channel and the link went by direct message instead. */
export function renderLoginSentByDm(provider: string, approver: string): SlackMessage {
  return renderText(
    md`:key: The ${provider} login link was sent to <@${approver}> by direct message (a private message in this channel was refused). The bot is polling the login status and will verify when it completes.`,
  );
}

/** When neither a private message in the channel nor a direct message reached the approver. */
export function renderLoginUndelivered(provider: string, approver: string): SlackMessage {
  return renderText(
    md`:warning: The ${provider} login link could not be delivered to <@${approver}>: Slack refused both a private message in this channel and a direct message, and the link is never posted here. The login was stopped. <@${approver}> should join this channel or allow direct messages from the app, then request the fix again (\`/auth-refresh ${provider}\`).`,
  );
}

/** When there is no approver to send the login link to: the thread says so and shows no link. */
export function renderLoginWithheld(provider: string): SlackMessage {
  return renderText(
    md`:warning: The ${provider} login link was not posted: it can only go privately to the approver, and this request has none.`,
  );
}
