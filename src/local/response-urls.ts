// response_url endpoints: each command or click gets one secret URL that accepts up to 5 posts within
// 30 minutes (Slack's rule), replacing, deleting or adding messages like Slack does.
import { randomBytes } from 'node:crypto';
import type { LocalChannel } from './channel.js';
import { LOCAL_BOT } from './directory.js';
import { type Args, checkContent } from './web-api.js';

export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;

interface Grant {
  user: string;
  /** The message clicked, when the URL came from a click. */
  messageTs?: string;
  uses: number;
  expiresAt: number;
}

export interface ResponseAnswer {
  status: number;
  body: Args;
}

export class ResponseUrls {
  private readonly grants = new Map<string, Grant>();

  constructor(
    private readonly channel: LocalChannel,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new URL path for `user` (and the clicked message). The token is unguessable: it is the secret. */
  issue(user: string, messageTs?: string): string {
    this.sweep();
    const token = randomBytes(18).toString('base64url');
    this.grants.set(token, {
      user,
      uses: 0,
      expiresAt: this.now() + RESPONSE_URL_TTL_MS,
      ...(messageTs ? { messageTs } : {}),
    });
    return `/response/${token}`;
  }

  post(token: string, args: Args): ResponseAnswer {
    const grant = this.grants.get(token);
    if (!grant || grant.expiresAt <= this.now())
      return { status: 404, body: { ok: false, error: 'expired_url' } };
    if (grant.uses >= RESPONSE_URL_USES) return { status: 404, body: { ok: false, error: 'used_url' } };
    const original = grant.messageTs ? this.channel.get(grant.messageTs) : undefined;
    if (args.delete_original === true || args.delete_original === 'true') {
      grant.uses += 1;
      if (original) this.channel.remove(original.ts);
      return { status: 200, body: { ok: true } };
    }
    const content = checkContent(args);
    if ('error' in content) return { status: 400, body: content.error };
    grant.uses += 1;
    if ((args.replace_original === true || args.replace_original === 'true') && original) {
      this.channel.update(original.ts, content);
      return { status: 200, body: { ok: true } };
    }
    const inChannel = args.response_type === 'in_channel';
    this.channel.post({
      author: LOCAL_BOT.userId,
      bot: true,
      text: content.text,
      blocks: content.blocks,
      ...(inChannel ? {} : { ephemeralTo: grant.user }),
      // an answer to a click lands in the clicked message's channel
      ...(original?.channel ? { channel: original.channel } : {}),
    });
    return { status: 200, body: { ok: true } };
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(token);
  }
}
