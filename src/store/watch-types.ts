// What the credential watch keeps in the store: its alert states (and the Slack message of each), the
// expiry facts of token files between polls, silences and the daily digest. Shared by replicas; every
// write that decides who posts is one conditional statement or one transaction that checks the lease.
import type { AlertState, Silence } from '../domain/watch/evaluate.js';
import type { ExpiryFacts } from '../watch/read-credentials.js';

export interface StoredAlert {
  state: AlertState;
  /** The alert's Slack message (shared by a grouped message's alerts), once posted. */
  channel: string | null;
  messageTs: string | null;
}

export interface StoredSilence extends Silence {
  createdBy: string;
  createdAt: number;
}

export interface WatchStore {
  loadAlerts(proxy: string): Promise<StoredAlert[]>;
  /**
   * Writes one poll's alert states in one transaction, only while `owner` still holds the lease `lease`
   * (on the database clock: a replica paused past its lease must not overwrite its successor's state). False when it does not.
   */
  saveAlerts(
    proxy: string,
    lease: { name: string; owner: string },
    upserts: AlertState[],
    deletes: string[],
    now: number,
  ): Promise<boolean>;
  /**
   * Claims the right to post the message of the alerts `keys` (one poster per message). With `timed`,
   * the claim records when it was made, and a timed claim made before `staleBefore` (its poster died
   * between claiming and recording the message) may be taken over: the alert is posted, not lost.
   */
  claimAlertMessage(
    proxy: string,
    keys: string[],
    claim: string,
    timed?: { at: number; staleBefore: number },
  ): Promise<boolean>;
  /** Records the posted message (channel, ts) on the alerts `keys`; `null` ts releases a failed claim. */
  setAlertMessage(
    proxy: string,
    keys: string[],
    channel: string | null,
    messageTs: string | null,
  ): Promise<void>;

  loadExpiryFacts(proxy: string): Promise<Map<string, ExpiryFacts>>;
  saveExpiryFacts(proxy: string, changed: Map<string, ExpiryFacts>, gone: string[]): Promise<void>;

  addSilence(proxy: string, silence: StoredSilence): Promise<void>;
  /** Ends a silence now; false when there is no active silence with that id. */
  endSilence(proxy: string, id: string, now: number): Promise<boolean>;
  listSilences(proxy: string, now: number): Promise<StoredSilence[]>;

  /** Claims the digest of `day` (YYYY-MM-DD): true for exactly one caller across replicas and restarts. */
  claimDigest(proxy: string, day: string, owner: string, now: number): Promise<boolean>;
}

/** Wraps every method so a driver error becomes the store's typed error (`guard` names the operation). */
export function guardWatchStore(
  store: WatchStore,
  guard: <T>(operation: string, fn: () => Promise<T>) => Promise<T>,
): WatchStore {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(store) as Array<[string, (...a: unknown[]) => Promise<unknown>]>) {
    wrapped[name] = (...args: unknown[]) => guard(`watch.${name}`, () => fn(...args));
  }
  return wrapped as unknown as WatchStore;
}

/** The stored form of a claim: `claim:<13-digit ms>:<owner>` when timed, so claims sort by time as text. */
export function claimToken(claim: string, at?: number): string {
  return at === undefined ? `claim:${claim}` : `claim:${String(Math.max(0, at)).padStart(13, '0')}:${claim}`;
}

/** Timed claims that sort below this token were made before `staleBefore`. */
export function staleClaimBound(staleBefore: number): string {
  return `claim:${String(Math.max(0, staleBefore)).padStart(13, '0')}`;
}
