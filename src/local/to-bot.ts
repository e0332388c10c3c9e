// The stand-in's side of Slack → app traffic: slash commands and block_actions sent to the bot's
// /slack/events exactly as Slack sends them (form body, x-slack-signature over the raw body).
import { createHmac } from 'node:crypto';

export interface BotReply {
  status: number;
  contentType: string;
  body: string;
}

export interface BotLink {
  /** Posts form fields (a slash command, or `payload=` for interactivity); resolves with the ack. */
  send(fields: Record<string, string>): Promise<BotReply>;
}

/** Slack's request signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{raw body}"). */
export function signBody(secret: string, body: string, timestamp: number): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Slack gives up on an ack after 3 s; a little more here so the bot's own 3 s answer arrives. */
const ACK_WAIT_MS = 3500;

export function createBotLink(eventsUrl: string, signingSecret: string): BotLink {
  return {
    async send(fields) {
      const body = new URLSearchParams(fields).toString();
      const timestamp = Math.floor(Date.now() / 1000);
      try {
        const res = await fetch(eventsUrl, {
          method: 'POST',
          body,
          headers: {
            // exactly this content type: Bolt refuses one with a charset
            'content-type': 'application/x-www-form-urlencoded',
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': signBody(signingSecret, body, timestamp),
          },
          signal: AbortSignal.timeout(ACK_WAIT_MS),
        });
        return {
          status: res.status,
          contentType: res.headers.get('content-type') ?? '',
          body: await res.text(),
        };
      } catch (err) {
        const timedOut = (err as Error).name === 'TimeoutError';
        return { status: timedOut ? 408 : 502, contentType: 'text/plain', body: '' };
      }
    },
  };
}
