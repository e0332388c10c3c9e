// The result of an action is posted within 10 s of its approval (product.md): verification polling and the
// canary share one deadline, counted from the approval. Polling stops early enough to leave the
// canary a few seconds; the canary gets what is left; whatever did not finish in time is reported as such.
import type { Check } from './types.js';

/** From the approval to the end of its verification; the rest of 10 s (the store writes and Slack posts
 * after it) is for the report. */
export const RESULT_BUDGET_MS = 8000;

/** What polling leaves for the canary when one is configured. */
export const CANARY_RESERVE_MS = 3000;

/**
 * The least a verification gets, however late it starts (a slow vote, a slow action): some polling and
 * the canary's share. Without it, a verification starting past the deadline would report a fix that
 * worked as "not finished in time" without asking the proxy at all.
 */
export const MIN_VERIFY_MS = CANARY_RESERVE_MS + 2000;

/** When verification and the canary must be done: RESULT_BUDGET_MS after the approval (ms epoch). */
export function resultDeadline(approvedAt: number | null, now: number): number {
  return Math.min(approvedAt ?? now, now) + RESULT_BUDGET_MS;
}

/** The deadline a verification starting at `started` works to: the result's, or MIN_VERIFY_MS from now. */
export function verificationDeadline(deadline: number | undefined, started: number): number | undefined {
  return deadline === undefined ? undefined : Math.max(deadline, started + MIN_VERIFY_MS);
}

export type Within<T> = { done: true; value: T } | { done: false };

/** Waits for `work` at most `ms` (real time); `done: false` when it did not settle in time (it keeps running). */
export async function within<T>(work: Promise<T>, ms: number): Promise<Within<T>> {
  if (!Number.isFinite(ms)) return { done: true, value: await work };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Within<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then((value) => ({ done: true as const, value })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A check that did not finish before the deadline: it counts as failed, and says why. */
export function notInTime(name: string, what: string): Check {
  return {
    name,
    ok: false,
    detail: `not finished in time: ${what} within the 10 s the result is due after approval`,
  };
}

/** When polling must stop: the verification's own timeout, or earlier to leave the canary its share. */
export function pollEnd(
  started: number,
  timeoutMs: number,
  deadline: number | undefined,
  canary: { clientKey: string | undefined; model: string | undefined },
): number {
  if (deadline === undefined) return started + timeoutMs;
  const reserve = canary.clientKey !== undefined && canary.model !== undefined ? CANARY_RESERVE_MS : 0;
  return Math.min(started + timeoutMs, deadline - reserve);
}
