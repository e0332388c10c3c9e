// The local channel's messages, in memory: posted, updated, deleted, ephemeral ones kept for their user.
// Subscribers (the page's event streams) hear every change they are allowed to see.

export interface LocalMessage {
  ts: string;
  /** Who posted it: a local user id, or the bot's user id. */
  author: string;
  bot: boolean;
  text: string;
  blocks: Record<string, unknown>[];
  threadTs?: string;
  /** Set on ephemeral messages: the only user who sees it. */
  ephemeralTo?: string;
  /**
   * The channel ID the bot posted it to, when the page channel stands for several configured channels;
   * absent: the page channel's own ID.
   */
  channel?: string;
  edited: boolean;
}

export type ChannelEvent = { type: 'upsert'; message: LocalMessage } | { type: 'remove'; ts: string };
type Listener = (event: ChannelEvent) => void;

/** How many messages the channel keeps; the oldest go first (a long rehearsal must not grow memory). */
export const MAX_MESSAGES = 1000;

export class LocalChannel {
  private readonly messages = new Map<string, LocalMessage>();
  private readonly listeners = new Map<Listener, string>();
  private seq = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** A new ts in Slack's form ("seconds.micro"), strictly increasing. */
  private nextTs(): string {
    this.seq += 1;
    const seconds = Math.floor(this.now() / 1000);
    return `${seconds}.${String(this.seq % 1_000_000).padStart(6, '0')}`;
  }

  post(message: Omit<LocalMessage, 'ts' | 'edited'>): LocalMessage {
    const stored: LocalMessage = { ...message, ts: this.nextTs(), edited: false };
    this.messages.set(stored.ts, stored);
    while (this.messages.size > MAX_MESSAGES) {
      const oldest = this.messages.keys().next().value as string;
      this.messages.delete(oldest);
    }
    this.emit({ type: 'upsert', message: stored });
    return stored;
  }

  get(ts: string): LocalMessage | undefined {
    return this.messages.get(ts);
  }

  update(ts: string, fields: Pick<LocalMessage, 'text' | 'blocks'>): LocalMessage | undefined {
    const current = this.messages.get(ts);
    if (!current) return undefined;
    const updated: LocalMessage = { ...current, ...fields, edited: true };
    this.messages.set(ts, updated);
    this.emit({ type: 'upsert', message: updated });
    return updated;
  }

  remove(ts: string): boolean {
    const current = this.messages.get(ts);
    if (!current) return false;
    this.messages.delete(ts);
    this.emit({ type: 'remove', ts }, current.ephemeralTo);
    return true;
  }

  /** Messages `user` may see, oldest first. */
  visibleTo(user: string): LocalMessage[] {
    return [...this.messages.values()].filter((m) => canSee(m, user));
  }

  subscribe(user: string, listener: Listener): () => void {
    this.listeners.set(listener, user);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit(event: ChannelEvent, ephemeralTo?: string): void {
    const to = event.type === 'upsert' ? event.message.ephemeralTo : ephemeralTo;
    for (const [listener, user] of this.listeners) if (to === undefined || to === user) listener(event);
  }
}

export function canSee(message: LocalMessage, user: string): boolean {
  return message.ephemeralTo === undefined || message.ephemeralTo === user;
}
