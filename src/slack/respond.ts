// Posting an answer to a command's response_url with undici's request API and one bounded connection pool:
// far less work per post than fetch (no web streams), and never more than `connections` sockets at once.
import { Agent, request } from 'undici';
import { AppError } from '../errors.js';

export interface Responder {
  /** `message` may come serialized already (one answer posted to many commands). */
  post(responseUrl: string, message: Record<string, unknown> | string): Promise<void>;
  close(): Promise<void>;
}

export function createResponder(options: { connections?: number; timeoutMs?: number } = {}): Responder {
  const timeout = options.timeoutMs ?? 10_000;
  const agent = new Agent({
    connections: options.connections ?? 32,
    headersTimeout: timeout,
    bodyTimeout: timeout,
    connectTimeout: Math.min(timeout, 5000),
  });
  return {
    async post(responseUrl, message) {
      const res = await request(responseUrl, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: typeof message === 'string' ? message : JSON.stringify(message),
      });
      await res.body.dump();
      // the URL itself is a secret: never in the error
      if (res.statusCode >= 300)
        throw new AppError('slack_error', `Slack refused the answer (HTTP ${res.statusCode}).`);
    },
    close: () => agent.destroy(),
  };
}
