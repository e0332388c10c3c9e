// Local mode in this process (startLocalBot, as `serve` calls it), with a reader of the page's event
// stream: for HTTP-level tests of the stand-in and the page's endpoints.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { type RunningBot, startLocalBot } from '../../src/main.js';

export interface LocalWorld {
  bot: RunningBot;
  logs(): string;
  postJson(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startLocal(env: Record<string, string> = {}): Promise<LocalWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'authbot-local-'));
  let logText = '';
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logText += chunk.toString();
      cb();
    },
  });
  const bot = await startLocalBot(
    loadConfig({
      PORT: '0',
      AUTHBOT_DATABASE_URL: `file:${join(dir, 'db.sqlite')}`,
      AUTHBOT_POLICY_FILE: '',
      CLIPROXY_URL: 'http://127.0.0.1:9',
      ...env,
    }),
    { logDestination: destination, slackClientOptions: { retryConfig: { retries: 0 }, timeout: 5000 } },
  );
  return {
    bot,
    logs: () => logText,
    postJson: (path, body, headers = {}) =>
      fetch(`${bot.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    close: () => bot.stop(),
  };
}

export interface StreamEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads /local/events for `user`; `events` fills as they arrive. */
export async function openStream(url: string, user: string) {
  const controller = new AbortController();
  const res = await fetch(`${url}/local/events?user=${encodeURIComponent(user)}`, {
    signal: controller.signal,
  });
  const events: StreamEvent[] = [];
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(frame)?.[1];
          const data = /^data: (.+)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  const messages = () =>
    events.flatMap((e) =>
      e.event === 'reset'
        ? (e.data.messages as Record<string, unknown>[])
        : e.event === 'upsert'
          ? [e.data]
          : [],
    );
  return {
    status: res.status,
    events,
    messages,
    async waitFor(predicate: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages().findLast(predicate);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no such message; seen: ${JSON.stringify(messages().map((m) => m.text))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => controller.abort(),
  };
}
