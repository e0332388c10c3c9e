// The Web API methods the bot calls, answered the way Slack answers them: the same success fields, the
// same `ok:false` errors (invalid_auth, channel_not_found, message_not_found, invalid_blocks, unknown_method,
// ...). Messages land in the local channel. Block Kit limits are the ones the views are held to.
import { randomBytes } from 'node:crypto';
import { findBlockKitViolations } from '../slack/views/limits.js';
import type { LocalChannel, LocalMessage } from './channel.js';
import {
  findUser,
  LOCAL_BOT,
  LOCAL_TEAM,
  LOCAL_USERGROUPS,
  LOCAL_USERS,
  type LocalChannelInfo,
  slackUserObject,
} from './directory.js';

export type Args = Record<string, unknown>;
export type ApiAnswer = ({ ok: true } & Args) | ({ ok: false; error: string } & Args);

/** Slack's own cap on chat text (longer text is refused with msg_too_long). */
export const MAX_TEXT = 40_000;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const fail = (error: string, extra: Args = {}): ApiAnswer => ({ ok: false, error, ...extra });

/** As Slack does, gives every block a block_id and every interactive element an action_id when absent. */
export function withIds(blocks: Record<string, unknown>[]): Record<string, unknown>[] {
  const id = () => randomBytes(3).toString('base64url');
  const element = (e: unknown) =>
    e && typeof e === 'object' && !('action_id' in e) && interactive((e as Args).type)
      ? { ...(e as Args), action_id: id() }
      : e;
  return blocks.map((b) => {
    const block: Args = { ...b, block_id: str(b.block_id) ?? id() };
    if (Array.isArray(block.elements)) block.elements = block.elements.map(element);
    if (block.accessory) block.accessory = element(block.accessory);
    return block;
  });
}

const interactive = (type: unknown) =>
  typeof type === 'string' && (type === 'button' || type.endsWith('_select') || type === 'overflow');

/** Validates text and blocks the way chat.postMessage / chat.update / response_url do. */
export function checkContent(args: Args): { error: ApiAnswer } | { text: string; blocks: Args[] } {
  const text = str(args.text) ?? '';
  if (args.blocks !== undefined && typeof args.blocks === 'string')
    return { error: fail('invalid_blocks_format') };
  const blocks = args.blocks ?? [];
  if (args.blocks !== undefined) {
    const problems = findBlockKitViolations(blocks);
    if (problems.length > 0)
      return {
        error: fail('invalid_blocks', { errors: problems, response_metadata: { messages: problems } }),
      };
  }
  if (text.length > MAX_TEXT) return { error: fail('msg_too_long') };
  if (text.trim() === '' && (blocks as unknown[]).length === 0) return { error: fail('no_text') };
  return { text, blocks: withIds(blocks as Args[]) };
}

export function toSlackMessage(m: LocalMessage): Args {
  return {
    type: 'message',
    ts: m.ts,
    text: m.text,
    blocks: m.blocks,
    ...(m.bot ? { bot_id: LOCAL_BOT.botId, user: LOCAL_BOT.userId } : { user: m.author }),
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    team: LOCAL_TEAM.id,
  };
}

export interface WebApi {
  call(method: string, args: Args, token: string | undefined): ApiAnswer;
}

export function createWebApi(channel: LocalChannel, botToken: string, local: LocalChannelInfo): WebApi {
  /** The channel ID `args.channel` names: one the configuration names, or the page channel by name. */
  const channelOf = (args: Args): string | undefined => {
    const given = str(args.channel);
    if (given === undefined) return undefined;
    if (local.ids.includes(given)) return given;
    return given === `#${local.name}` || given === local.name ? local.id : undefined;
  };
  /** A stored message in `id`: a ts from another of the configured channels is not found there. */
  const messageIn = (id: string, ts: unknown): LocalMessage | undefined => {
    const m = channel.get(str(ts) ?? '');
    return m && (m.channel ?? local.id) === id ? m : undefined;
  };
  /** Messages record their channel only when it is not the page channel's own ID. */
  const recorded = (id: string) => (id === local.id ? {} : { channel: id });
  const methods: Record<string, (args: Args) => ApiAnswer> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://local.invalid/',
      team: 'Local mode',
      user: LOCAL_BOT.name,
      team_id: LOCAL_TEAM.id,
      user_id: LOCAL_BOT.userId,
      bot_id: LOCAL_BOT.botId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (args) => {
      const id = channelOf(args);
      if (id === undefined) return fail('channel_not_found');
      const content = checkContent(args);
      if ('error' in content) return content.error;
      const threadTs = str(args.thread_ts);
      if (threadTs !== undefined && !messageIn(id, threadTs)) return fail('thread_not_found');
      const m = channel.post({
        author: LOCAL_BOT.userId,
        bot: true,
        text: content.text,
        blocks: content.blocks,
        ...(threadTs ? { threadTs } : {}),
        ...recorded(id),
      });
      return { ok: true, channel: id, ts: m.ts, message: toSlackMessage(m) };
    },
    'chat.update': (args) => {
      const id = channelOf(args);
      if (id === undefined) return fail('channel_not_found');
      const existing = messageIn(id, args.ts);
      if (!existing || existing.ephemeralTo !== undefined) return fail('message_not_found');
      if (!existing.bot) return fail('cant_update_message');
      const content = checkContent(args);
      if ('error' in content) return content.error;
      channel.update(existing.ts, content);
      return { ok: true, channel: id, ts: existing.ts, text: content.text };
    },
    'chat.postEphemeral': (args) => {
      const id = channelOf(args);
      if (id === undefined) return fail('channel_not_found');
      if (!findUser(args.user)) return fail('user_not_in_channel');
      const content = checkContent(args);
      if ('error' in content) return content.error;
      const threadTs = str(args.thread_ts);
      const m = channel.post({
        author: LOCAL_BOT.userId,
        bot: true,
        text: content.text,
        blocks: content.blocks,
        ephemeralTo: str(args.user) as string,
        ...(threadTs && messageIn(id, threadTs) ? { threadTs } : {}),
        ...recorded(id),
      });
      return { ok: true, message_ts: m.ts };
    },
    'chat.delete': (args) => {
      const id = channelOf(args);
      if (id === undefined) return fail('channel_not_found');
      const existing = messageIn(id, args.ts);
      if (!existing || existing.ephemeralTo !== undefined) return fail('message_not_found');
      if (!existing.bot) return fail('cant_delete_message');
      channel.remove(existing.ts);
      return { ok: true, channel: id, ts: existing.ts };
    },
    'users.info': (args) => {
      const user = findUser(args.user);
      return user ? { ok: true, user: slackUserObject(user) } : fail('user_not_found');
    },
    'usergroups.users.list': (args) => {
      const users = LOCAL_USERGROUPS[str(args.usergroup) ?? ''];
      return users ? { ok: true, users: [...users] } : fail('no_such_subteam');
    },
    'conversations.info': (args) => {
      const id = channelOf(args);
      return id !== undefined
        ? {
            ok: true,
            channel: {
              id,
              name: local.name,
              is_channel: true,
              is_member: true,
              num_members: LOCAL_USERS.length + 1,
            },
          }
        : fail('channel_not_found');
    },
  };

  return {
    call(method, args, token) {
      const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
      if (!handler) return fail('unknown_method', { req_method: method });
      if (token === undefined || token === '') return fail('not_authed');
      if (token !== botToken) return fail('invalid_auth');
      return handler(args);
    },
  };
}
