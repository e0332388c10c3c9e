// The Slack stand-in of local mode: one HTTP server on 127.0.0.1 that is Slack for the bot (Web API at
// /api/*, response_url at /response/*, signed requests to the bot's /slack/events) and a page for people
// (/, /assets/*, /local/* with live updates as server-sent events). /healthz, /readyz and /metrics are
// the bot's own, passed through so the page's port answers them too.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { type ZodType, z } from 'zod';
import { escapeMrkdwn } from '../slack/views/limits.js';
import { loadAssets, sendAsset } from './assets.js';
import { LocalChannel } from './channel.js';
import { DEFAULT_LOCAL_CHANNEL, type LocalChannelInfo } from './directory.js';
import { createEventStreams } from './events.js';
import { BodyTooLarge, hostAllowed, originAllowed, parseApiArgs, readBody, sendJson } from './http-util.js';
import { actionInput, commandInput, createPageApi } from './page-api.js';
import { ResponseUrls } from './response-urls.js';
import { type BotLink, createBotLink } from './to-bot.js';
import { createWebApi } from './web-api.js';

export const LOCAL_BANNER = 'LOCAL MODE — not connected to Slack';
const PAGE_BODY_LIMIT = 64 * 1024;
const API_BODY_LIMIT = 1024 * 1024;
const HEALTH_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** ", standing for `C0ABC123` and `C0DEF456`" when the configuration names channels (IDs are validated). */
export function standsForText(local: LocalChannelInfo): string {
  const ids = local.standsFor.map((id) => `\`${id}\``);
  if (ids.length === 0) return '';
  if (ids.length === 1) return `, standing for ${ids[0]} (the channel your configuration names)`;
  const list = `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
  return `, standing for ${list} (the channels your configuration names; commands here come from \`${local.id}\`)`;
}

export interface StandIn {
  /** The page's URL, http://127.0.0.1:PORT */
  url: string;
  /** SLACK_API_URL for the bot. */
  apiUrl: string;
  botToken: string;
  signingSecret: string;
  channel: LocalChannel;
  /** The page channel: its ID and the configured channel IDs it stands for. */
  local: LocalChannelInfo;
  /** Called once the bot listens: where to send Slack's requests, and which commands it registered. */
  connect(bot: { url: string; commands: readonly string[]; logger: Logger }): void;
  close(): Promise<void>;
}

export async function startStandIn(options: {
  port: number;
  /** The page channel for the configuration (localChannelOf); default: C0LOCAL, standing for nothing. */
  channel?: LocalChannelInfo;
}): Promise<StandIn> {
  const local = options.channel ?? DEFAULT_LOCAL_CHANNEL;
  const botToken = `xoxb-local-${randomBytes(16).toString('hex')}`;
  const signingSecret = randomBytes(24).toString('hex');
  const channel = new LocalChannel();
  const responseUrls = new ResponseUrls(channel);
  const webApi = createWebApi(channel, botToken, local);
  const assets = await loadAssets();
  const openEventStream = createEventStreams(channel, local);
  let bot: { url: string; commands: readonly string[]; logger: Logger; link: BotLink } | undefined;
  let port = 0;
  const baseUrl = () => `http://127.0.0.1:${port}`;
  const page = createPageApi({
    channel,
    local,
    responseUrls,
    baseUrl,
    link: () => bot?.link,
    commands: () => bot?.commands ?? [],
  });

  const pagePost = async <T>(
    req: IncomingMessage,
    res: ServerResponse,
    schema: ZodType<T>,
    run: (input: T) => Promise<{ status: number; body: unknown }>,
  ) => {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return sendJson(res, 415, { ok: false, error: 'expected application/json' });
    const raw = (await readBody(req, PAGE_BODY_LIMIT)).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, { ok: false, error: 'invalid_json' });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      return sendJson(res, 400, {
        ok: false,
        error: 'invalid_request',
        problems: z.prettifyError(parsed.error),
      });
    const answer = await run(parsed.data);
    sendJson(res, answer.status, answer.body);
  };

  /** A message Slack would refuse is not silently missing from the page: Slackbot says what was refused. */
  const showRefusal = (what: string, answer: Record<string, unknown>) => {
    const problems = Array.isArray(answer.errors) ? ` (${answer.errors.slice(0, 3).join('; ')})` : '';
    channel.post({
      author: 'USLACKBOT',
      bot: false,
      blocks: [],
      text: `Slack refused the bot's ${what}: \`${String(answer.error)}\`${escapeMrkdwn(problems)}`,
    });
  };

  const forwardHealth = async (path: string, res: ServerResponse) => {
    if (!bot) return sendJson(res, 503, { ok: false, error: 'bot_not_ready' });
    const upstream = await fetch(`${bot.url}${path}`, { signal: AbortSignal.timeout(10_000) });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req, port)) return sendJson(res, 403, { ok: false, error: 'host_not_allowed' });
    const url = new URL(req.url ?? '/', baseUrl());
    const path = url.pathname;
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (HEALTH_PATHS.has(path)) return forwardHealth(path, res);
      if (path === '/local/events') return openEventStream(req, res, url.searchParams.get('user'));
      return sendAsset(res, assets, path);
    }
    if (req.method !== 'POST')
      return sendJson(res, 405, { ok: false, error: 'method_not_allowed' }, { allow: 'GET, POST' });
    if (!originAllowed(req, port)) return sendJson(res, 403, { ok: false, error: 'origin_not_allowed' });
    if (path === '/local/command') return pagePost(req, res, commandInput, page.command);
    if (path === '/local/action') return pagePost(req, res, actionInput, page.action);
    const contentType = req.headers['content-type'] ?? '';
    if (path.startsWith('/response/')) {
      const args = parseApiArgs((await readBody(req, API_BODY_LIMIT)).toString('utf8'), contentType);
      if (!args) return sendJson(res, 400, { ok: false, error: 'invalid_json' });
      const answer = responseUrls.post(path.slice('/response/'.length), args);
      if (answer.status !== 200) showRefusal('a response_url post', answer.body);
      return sendJson(res, answer.status, answer.body);
    }
    if (path.startsWith('/api/')) {
      const args = parseApiArgs((await readBody(req, API_BODY_LIMIT)).toString('utf8'), contentType);
      if (!args) return sendJson(res, 200, { ok: false, error: 'invalid_json' });
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ')
        ? auth.slice(7)
        : typeof args.token === 'string'
          ? args.token
          : undefined;
      const method = path.slice('/api/'.length);
      const answer = webApi.call(method, args, token);
      // only the bot's own calls (right token) are shown; anything else on this machine is just refused
      const fromBot = answer.ok || (answer.error !== 'not_authed' && answer.error !== 'invalid_auth');
      if (!answer.ok && fromBot && method.startsWith('chat.')) showRefusal(method, answer);
      return sendJson(res, 200, answer);
    }
    sendJson(res, 404, { ok: false, error: 'not_found' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof BodyTooLarge)
        return sendJson(res, 413, { ok: false, error: 'request_too_large' }, { connection: 'close' });
      bot?.logger.error({ err, path: req.url?.split('?')[0] }, 'local mode: request failed');
      sendJson(res, 500, { ok: false, error: 'internal_error' });
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // local mode listens on loopback only, whatever HOST says: the page lets anyone act as anyone
  server.listen(options.port, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;

  return {
    url: baseUrl(),
    apiUrl: `${baseUrl()}/api/`,
    botToken,
    signingSecret,
    channel,
    local,
    connect(b) {
      bot = { ...b, link: createBotLink(`${b.url}/slack/events`, signingSecret) };
      channel.post({
        author: 'USLACKBOT',
        bot: false,
        blocks: [],
        text: `${LOCAL_BANNER}. This is #${local.name}${standsForText(local)}: type a command (${b.commands.join(', ')}) and pick who you are above.`,
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
