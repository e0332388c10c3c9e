// How the engine talks to people. Slack implementation: src/slack/messenger.ts; tests use a recorder.
export interface OutgoingMessage {
  text: string; // notification / fallback text
  blocks?: unknown[];
  /** Recorded in the audit trail instead of the text, for text that must not be stored (a login URL / code). */
  audit?: Record<string, unknown>;
}

export interface Messenger {
  /** Posts a visible message in the channel; resolves to its ts, or null when Slack refused it. */
  postRequest(channel: string, message: OutgoingMessage): Promise<string | null>;
  /** The four below resolve to true when Slack accepted the message, false when it refused it. */
  updateRequest(channel: string, ts: string, message: OutgoingMessage): Promise<boolean>;
  threadReply(channel: string, threadTs: string, message: OutgoingMessage): Promise<boolean>;
  ephemeral(channel: string, userId: string, message: OutgoingMessage): Promise<boolean>;
  /** A direct message to one user (the bot's IM with them), e.g. where an ephemeral was refused. */
  direct(userId: string, message: OutgoingMessage): Promise<boolean>;
}
