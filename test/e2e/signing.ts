// Signs requests the way Slack does: v0=HMAC-SHA256(secret, "v0:{timestamp}:{raw body}").
import { createHmac } from 'node:crypto';

export function signSlackRequest(secret: string, body: string, timestamp: number): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    'content-type': 'application/x-www-form-urlencoded', // exactly this: Bolt answers 400 with a charset
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature,
  };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
