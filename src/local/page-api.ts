// What the page can do: type a message or slash command, click a button or pick an option, as one of the
// local users. Commands and clicks become the requests Slack would send the bot; the payload is built
// here from the stored message (a page cannot forge a button's value or click what its user cannot see).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { escapeMrkdwn } from '../slack/views/limits.js';
import { canSee, type LocalChannel, type LocalMessage } from './channel.js';
import { findUser, LOCAL_BOT, LOCAL_TEAM, type LocalChannelInfo, type LocalUser } from './directory.js';
import type { ResponseUrls } from './response-urls.js';
import type { BotLink, BotReply } from './to-bot.js';
import { type Args, checkContent, toSlackMessage } from './web-api.js';

export const commandInput = z.strictObject({
  user: z.string().max(64),
  text: z.string().min(1).max(4000),
});
export const actionInput = z.strictObject({
  user: z.string().max(64),
  ts: z.string().max(64),
  blockId: z.string().max(255),
  actionId: z.string().max(255),
  selectedValue: z.string().max(2000).optional(),
});

export interface PageAnswer {
  status: number;
  body: Args;
}

export interface PageApiDeps {
  channel: LocalChannel;
  /** The page channel's ID and name (commands come from it). */
  local: LocalChannelInfo;
  responseUrls: ResponseUrls;
  /** The page's own base URL (response_url lives there). */
  baseUrl: () => string;
  /** Undefined until the bot is listening. */
  link: () => BotLink | undefined;
  commands: () => readonly string[];
}

const SLACKBOT = 'USLACKBOT';
const refuse = (status: number, error: string): PageAnswer => ({ status, body: { ok: false, error } });
const ok: PageAnswer = { status: 200, body: { ok: true } };

function slackFailure(reply: BotReply): string {
  return reply.status === 408 ? 'operation_timeout' : 'dispatch_failed';
}

export function createPageApi(deps: PageApiDeps) {
  const { channel, local } = deps;
  const notice = (user: string, text: string, threadTs?: string) =>
    channel.post({
      author: SLACKBOT,
      bot: false,
      text,
      blocks: [],
      ephemeralTo: user,
      ...(threadTs ? { threadTs } : {}),
    });
  const base = (user: LocalUser) => ({
    token: 'local-verification-token',
    team_id: LOCAL_TEAM.id,
    team_domain: LOCAL_TEAM.domain,
    api_app_id: LOCAL_BOT.appId,
    trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`,
    user_id: user.id,
    user_name: user.name,
  });

  /** What the bot put in its ack (an immediate answer), shown like Slack shows it. */
  const showAck = (user: LocalUser, reply: BotReply) => {
    const body = reply.body.trim();
    if (body === '') return;
    let args: Args = { text: body };
    if (reply.contentType.includes('json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        return void notice(user.id, 'The app answered with a body Slack could not read.');
      args = parsed as Args;
    }
    const content = checkContent(args);
    if ('error' in content)
      return void notice(user.id, `The app's answer was refused: ${content.error.error}`);
    channel.post({
      author: LOCAL_BOT.userId,
      bot: true,
      ...content,
      ...(args.response_type === 'in_channel' ? {} : { ephemeralTo: user.id }),
    });
  };

  async function command(input: z.infer<typeof commandInput>): Promise<PageAnswer> {
    const user = findUser(input.user);
    if (!user) return refuse(400, 'unknown_user');
    const match = /^(\/[^\s]+)\s*([\s\S]*)$/.exec(input.text.trim());
    if (!match) {
      // a plain message: Slack stores user text with &, < and > escaped
      channel.post({ author: user.id, bot: false, text: escapeMrkdwn(input.text), blocks: [] });
      return ok;
    }
    const [, name = '', text = ''] = match;
    if (!deps.commands().includes(name)) {
      notice(
        user.id,
        `${escapeMrkdwn(name)} is not a valid command. In local mode the bot knows: ${deps.commands().join(', ')}`,
      );
      return ok;
    }
    const link = deps.link();
    if (!link) return refuse(503, 'bot_not_ready');
    channel.post({
      author: user.id,
      bot: false,
      text: escapeMrkdwn(input.text.trim()),
      blocks: [],
      ephemeralTo: user.id,
    });
    const reply = await link.send({
      ...base(user),
      channel_id: local.id,
      channel_name: local.name,
      command: name,
      text,
      is_enterprise_install: 'false',
      response_url: `${deps.baseUrl()}${deps.responseUrls.issue(user.id)}`,
    });
    if (reply.status !== 200) notice(user.id, `${name} failed with the error "${slackFailure(reply)}"`);
    else showAck(user, reply);
    return ok;
  }

  async function action(input: z.infer<typeof actionInput>): Promise<PageAnswer> {
    const user = findUser(input.user);
    if (!user) return refuse(400, 'unknown_user');
    const message = channel.get(input.ts);
    if (!message || !canSee(message, user.id)) return refuse(404, 'message_not_found');
    const element = findElement(message, input.blockId, input.actionId);
    if (!element) return refuse(400, 'unknown_action');
    const chosen = describeAction(element, input);
    if ('error' in chosen) return refuse(400, chosen.error);
    const link = deps.link();
    if (!link) return refuse(503, 'bot_not_ready');
    const ephemeral = message.ephemeralTo !== undefined;
    // a click names the channel the message was posted in, so the policy's `channels` apply as in Slack
    const channelId = message.channel ?? local.id;
    const payload = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: LOCAL_TEAM.id },
      api_app_id: LOCAL_BOT.appId,
      token: 'local-verification-token',
      container: {
        type: 'message',
        message_ts: message.ts,
        channel_id: channelId,
        is_ephemeral: ephemeral,
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      },
      trigger_id: base(user).trigger_id,
      team: LOCAL_TEAM,
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channelId, name: local.name },
      // Slack leaves the message out of clicks on ephemeral messages
      ...(ephemeral ? {} : { message: toSlackMessage(message) }),
      state: { values: {} },
      response_url: `${deps.baseUrl()}${deps.responseUrls.issue(user.id, message.ts)}`,
      actions: [chosen.action],
    };
    const reply = await link.send({ payload: JSON.stringify(payload) });
    if (reply.status !== 200)
      notice(user.id, `The app did not answer the click ("${slackFailure(reply)}").`, message.threadTs);
    return ok;
  }

  return { command, action };
}

type Element = Record<string, unknown>;

/** The interactive element the click names, looked up in the stored message (never taken from the page). */
export function findElement(message: LocalMessage, blockId: string, actionId: string): Element | undefined {
  const block = message.blocks.find((b) => b.block_id === blockId);
  if (!block) return undefined;
  const candidates = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
  return candidates.find(
    (e): e is Element => !!e && typeof e === 'object' && (e as Element).action_id === actionId,
  );
}

function optionsOf(element: Element): Element[] {
  const plain = Array.isArray(element.options) ? (element.options as Element[]) : [];
  const grouped = Array.isArray(element.option_groups)
    ? (element.option_groups as Element[]).flatMap((g) =>
        Array.isArray(g.options) ? (g.options as Element[]) : [],
      )
    : [];
  return [...plain, ...grouped];
}

function describeAction(
  element: Element,
  input: z.infer<typeof actionInput>,
): { action: Element } | { error: string } {
  const common = {
    action_id: element.action_id,
    block_id: input.blockId,
    action_ts: (Date.now() / 1000).toFixed(6),
  };
  if (element.type === 'button')
    return {
      action: {
        type: 'button',
        ...common,
        text: element.text,
        ...(element.value !== undefined ? { value: element.value } : {}),
        ...(element.style !== undefined ? { style: element.style } : {}),
      },
    };
  if (element.type === 'static_select') {
    const option = optionsOf(element).find((o) => o.value === input.selectedValue);
    if (!option) return { error: 'invalid_option' };
    return {
      action: {
        type: 'static_select',
        ...common,
        selected_option: option,
        ...(element.placeholder !== undefined ? { placeholder: element.placeholder } : {}),
      },
    };
  }
  return { error: 'unsupported_element' };
}
