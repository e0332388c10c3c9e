// A local fake of Slack's Web API (and of response_url endpoints) for end-to-end tests.
// Parses form or JSON bodies, JSON-parses `blocks`, enforces Block Kit limits like Slack does
// (ok:false invalid_blocks), records every call, and can be told to fail the next call to a method
// (or the next one whose arguments match, e.g. chat.postEphemeral to one user).
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findBlockKitViolations } from '../../src/slack/views/limits.js';

export interface SlackCall {
  method: string; // e.g. chat.postMessage, or "response_url" for respond() posts
  token: string | undefined;
  args: Record<string, unknown>;
  at: number;
}

export type Fault = { status: 429; retryAfter: number } | { status?: number; error: string };

export interface FakeSlackOptions {
  botToken?: string;
  /** false: count calls per method but keep none (the benchmark's fake Slack receives tens of thousands). */
  keepCalls?: boolean;
  usergroups?: Record<string, string[]>;
}

export interface FakeSlack {
  url: string; // base URL; SLACK_API_URL = `${url}/api/`
  apiUrl: string;
  calls: SlackCall[];
  /** A response_url the bot can respond() to; posts are recorded as method "response_url". */
  responseUrl(id?: string): string;
  /** Fails the next `times` calls to `method` (only those whose arguments `match`, when given). */
  failNext(
    method: string,
    fault: Fault,
    times?: number,
    match?: (args: Record<string, unknown>) => boolean,
  ): void;
  callsTo(method: string): SlackCall[];
  /** How many calls to `method` arrived (kept or not). */
  count(method: string): number;
  waitFor(predicate: (call: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  setUsergroup(id: string, users: string[]): void;
  /** Where apps.connections.open sends Socket Mode clients. */
  setSocketUrl(url: string): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  let args: Record<string, unknown> = {};
  if (type.includes('application/json')) args = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  else for (const [k, v] of new URLSearchParams(raw)) args[k] = v;
  for (const key of ['blocks', 'attachments']) {
    if (typeof args[key] === 'string') {
      try {
        args[key] = JSON.parse(args[key] as string);
      } catch {
        /* leave as is: the validator rejects it */
      }
    }
  }
  return args;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? 'xoxb-test-token';
  const calls: SlackCall[] = [];
  const faults = new Map<string, { fault: Fault; match?: (args: Record<string, unknown>) => boolean }[]>();
  const takeFault = (method: string, args: Record<string, unknown>): Fault | undefined => {
    const queue = faults.get(method) ?? [];
    const i = queue.findIndex((f) => f.match === undefined || f.match(args));
    return i < 0 ? undefined : queue.splice(i, 1)[0]?.fault;
  };
  const usergroups = new Map(Object.entries(options.usergroups ?? {}));
  const waiters: { predicate: (c: SlackCall) => boolean; resolve: (c: SlackCall) => void }[] = [];
  let ts = 1_700_000_000;
  let socketUrl: string | undefined;

  const counts = new Map<string, number>();
  const keep = options.keepCalls !== false;
  const record = (call: SlackCall) => {
    counts.set(call.method, (counts.get(call.method) ?? 0) + 1);
    if (!keep) return;
    calls.push(call);
    for (const w of [...waiters]) {
      if (w.predicate(call)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
  };

  const answer = (method: string, args: Record<string, unknown>): unknown => {
    if (args.blocks !== undefined) {
      const problems = findBlockKitViolations(args.blocks);
      if (problems.length) return { ok: false, error: 'invalid_blocks', errors: problems };
    }
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.test/',
          team: 'Fake',
          user: 'authbot',
          team_id: 'T0FAKE',
          user_id: 'U0BOT',
          bot_id: 'B0BOT',
        };
      case 'chat.postMessage':
        ts += 1;
        return { ok: true, channel: args.channel, ts: `${ts}.000100`, message: { text: args.text } };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        ts += 1;
        return { ok: true, message_ts: `${ts}.000200` };
      case 'conversations.open': {
        // the bot's IM with one user: the same id every time it is opened
        const users = String(args.users ?? '');
        if (!/^[UW][A-Z0-9]+$/.test(users)) return { ok: false, error: 'user_not_found' };
        return { ok: true, channel: { id: `D${users.slice(1)}` } };
      }
      case 'usergroups.users.list': {
        const users = usergroups.get(String(args.usergroup));
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'apps.connections.open':
        return socketUrl ? { ok: true, url: socketUrl } : { ok: false, error: 'not_allowed_token_type' };
      case 'users.info':
        return {
          ok: true,
          user: { id: args.user, name: String(args.user).toLowerCase(), deleted: false, is_bot: false },
        };
      default:
        return { ok: true };
    }
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const args = await readBody(req);
      if (url.pathname.startsWith('/response/')) {
        record({
          method: 'response_url',
          token: undefined,
          args: { ...args, id: url.pathname.slice(10) },
          at: Date.now(),
        });
        const fault = takeFault('response_url', args);
        if (fault) {
          if ('retryAfter' in fault)
            return send(
              res,
              429,
              { ok: false, error: 'ratelimited' },
              { 'retry-after': String(fault.retryAfter) },
            );
          return send(res, fault.status ?? 500, { ok: false, error: fault.error });
        }
        const problems = args.blocks === undefined ? [] : findBlockKitViolations(args.blocks);
        if (problems.length) return send(res, 400, { ok: false, error: 'invalid_blocks', errors: problems });
        return send(res, 200, { ok: true });
      }
      const method = url.pathname.replace(/^\/api\//, '');
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : (args.token as string | undefined);
      record({ method, token, args, at: Date.now() });
      const fault = takeFault(method, args);
      if (fault) {
        if ('retryAfter' in fault)
          return send(
            res,
            429,
            { ok: false, error: 'ratelimited' },
            { 'retry-after': String(fault.retryAfter) },
          );
        return send(res, fault.status ?? 200, { ok: false, error: fault.error });
      }
      if (token !== botToken && method !== 'apps.connections.open')
        return send(res, 200, { ok: false, error: 'invalid_auth' });
      send(res, 200, answer(method, args));
    })().catch((err: unknown) => send(res, 500, { ok: false, error: String(err) }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    responseUrl: (id = String(Math.random()).slice(2, 10)) => `${url}/response/${id}`,
    failNext(method, fault, times = 1, match) {
      const q = faults.get(method) ?? [];
      for (let i = 0; i < times; i += 1) q.push(match ? { fault, match } : { fault });
      faults.set(method, q);
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    count: (method) => counts.get(method) ?? 0,
    waitFor(predicate, timeoutMs = 5000) {
      const found = calls.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(
              new Error(
                `fake Slack: no matching call within ${timeoutMs} ms; calls: ${calls.map((c) => c.method).join(', ')}`,
              ),
            );
          }
        }, timeoutMs).unref();
      });
    },
    setUsergroup: (id, users) => void usergroups.set(id, users),
    setSocketUrl: (u) => {
      socketUrl = u;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
