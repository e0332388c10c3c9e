// Silences: parsing what people type, creating one (audited), ending one. Shared by /auth-watch and the
// Silence buttons.
import { randomBytes } from 'node:crypto';
import { parseDuration } from '../domain/duration.js';
import type { ConditionId } from '../domain/watch/conditions.js';
import type { Store } from '../store/types.js';
import type { StoredSilence } from '../store/watch-types.js';

/** Longest silence anyone can set: a forgotten silence must not hide a credential for ever. */
export const MAX_SILENCE_MS = 30 * 86_400_000;
const CREDENTIAL = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}$/;
export const SILENCE_ID = /^SIL-[A-Z0-9]{8}$/;

/** "1h", "1d", "1w", "90m", "1 hour", "1 day", "1 week" → ms; undefined when unusable. */
export function parseSilenceDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  const words: Record<string, string> = { '1 hour': '1h', '1 day': '1d', '1 week': '7d' };
  const normal = words[t] ?? t.replace(/^(\d+)w$/, (_, n: string) => `${Number(n) * 7}d`);
  const ms = parseDuration(normal);
  return ms !== undefined && ms > 0 && ms <= MAX_SILENCE_MS ? ms : undefined;
}

export function validCredentialName(name: string): boolean {
  return CREDENTIAL.test(name);
}

export async function addSilence(
  store: Store,
  proxy: string,
  input: {
    credential: string;
    condition: ConditionId | null;
    durationMs: number;
    userId: string;
    now: number;
  },
): Promise<StoredSilence> {
  const silence: StoredSilence = {
    id: `SIL-${randomBytes(5).toString('hex').toUpperCase().slice(0, 8)}`,
    credential: input.credential,
    condition: input.condition,
    until: input.now + input.durationMs,
    createdBy: input.userId,
    createdAt: input.now,
  };
  await store.watch.addSilence(proxy, silence);
  await store.appendAudit({
    correlationId: silence.id,
    at: input.now,
    kind: 'watch.silenced',
    actor: input.userId,
    data: { credential: silence.credential, condition: silence.condition, until: silence.until },
  });
  return silence;
}

export async function endSilence(
  store: Store,
  proxy: string,
  id: string,
  userId: string,
  now: number,
): Promise<boolean> {
  const ended = await store.watch.endSilence(proxy, id, now);
  if (ended) {
    await store.appendAudit({
      correlationId: id,
      at: now,
      kind: 'watch.unsilenced',
      actor: userId,
      data: {},
    });
  }
  return ended;
}
