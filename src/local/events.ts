// Live updates for the page: a server-sent event stream per open page, for the user it shows. It starts
// with everything that user may see (reset), then each new, changed or removed message; ephemeral
// messages of other users never enter the stream.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChannelEvent, LocalChannel, LocalMessage } from './channel.js';
import { findUser, LOCAL_BOT, LOCAL_USERS, type LocalChannelInfo } from './directory.js';
import { sendJson } from './http-util.js';

const MAX_STREAMS = 32;
const HEARTBEAT_MS = 15_000;

export interface MessageView {
  ts: string;
  threadTs: string | null;
  author: string;
  authorName: string;
  bot: boolean;
  text: string;
  blocks: Record<string, unknown>[];
  ephemeral: boolean;
  edited: boolean;
}

function nameOf(id: string): string {
  if (id === LOCAL_BOT.userId) return LOCAL_BOT.name;
  if (id === 'USLACKBOT') return 'Slackbot';
  return findUser(id)?.realName ?? id;
}

export function viewOf(m: LocalMessage): MessageView {
  return {
    ts: m.ts,
    threadTs: m.threadTs ?? null,
    author: m.author,
    authorName: nameOf(m.author),
    bot: m.bot,
    text: m.text,
    blocks: m.blocks,
    ephemeral: m.ephemeralTo !== undefined,
    edited: m.edited,
  };
}

/** Opens event streams on one channel; at most MAX_STREAMS at once (each holds a connection). */
export function createEventStreams(channel: LocalChannel, local: LocalChannelInfo) {
  let open = 0;
  return (req: IncomingMessage, res: ServerResponse, userId: string | null): void => {
    const opened = openEventStream(req, res, channel, local, userId, open >= MAX_STREAMS);
    if (!opened) return;
    open += 1;
    req.on('close', () => {
      open -= 1;
    });
  };
}

function openEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  channel: LocalChannel,
  local: LocalChannelInfo,
  userId: string | null,
  full: boolean,
): boolean {
  const user = findUser(userId);
  if (!user) {
    sendJson(res, 400, { ok: false, error: 'unknown_user' });
    return false;
  }
  if (full) {
    sendJson(res, 503, { ok: false, error: 'too_many_streams' });
    return false;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  const write = (event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  write('reset', {
    user: user.id,
    // the page names the configured channel IDs this channel stands for
    channel: { id: local.id, name: local.name, standsFor: local.standsFor },
    users: LOCAL_USERS.map((u) => ({ id: u.id, name: u.name, realName: u.realName })),
    messages: channel.visibleTo(user.id).map(viewOf),
  });
  const unsubscribe = channel.subscribe(user.id, (event: ChannelEvent) => {
    if (event.type === 'upsert') write('upsert', viewOf(event.message));
    else write('remove', { ts: event.ts });
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  req.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
  return true;
}
