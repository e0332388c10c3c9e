// Management keys the proxy rejected, shared through the store: after one replica's 401, every replica
// (and every restart with the same key) stops before sending it again. The store only ever sees a
// fingerprint: scrypt of the key with a fixed, bot-specific salt (slow on purpose, so a leaked table
// cannot be used to test guesses quickly), never the key itself.
import { scrypt } from 'node:crypto';
import type { Logger } from 'pino';

/** What the client needs of the store (the Store satisfies it). */
export interface RejectedKeyStore {
  recordRejectedKey(fingerprint: string, at: number): Promise<void>;
  keyRejectedAt(fingerprint: string): Promise<number | null>;
}

/** How long a recorded rejection stops every replica: after it, one call per replica may try the key again. */
export const REJECTION_TTL_MS = 60 * 60 * 1000;

const SALT = 'cliproxy-auth-bot/rejected-management-key/v1';

export function keyFingerprint(key: string): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(key, SALT, 32, { N: 16384, r: 8, p: 1 }, (err, derived) =>
      err ? reject(err) : resolve(`scrypt:${derived.toString('hex')}`),
    );
  });
}

export class KeyRejections {
  private fingerprints = new Map<string, Promise<string>>();

  constructor(
    private readonly store: RejectedKeyStore,
    private readonly now: () => number,
    private readonly logger: Logger | undefined,
  ) {}

  private fingerprint(key: string): Promise<string> {
    let fp = this.fingerprints.get(key);
    if (!fp) {
      this.fingerprints.clear(); // one key at a time: a rotated key's fingerprint is not kept
      fp = keyFingerprint(key);
      this.fingerprints.set(key, fp);
    }
    return fp;
  }

  /** When another replica (or an earlier run) recorded this key as rejected, within the TTL; else undefined. */
  async rejectedAt(key: string): Promise<number | undefined> {
    try {
      const at = await this.store.keyRejectedAt(await this.fingerprint(key));
      return at !== null && this.now() - at < REJECTION_TTL_MS ? at : undefined;
    } catch (err) {
      // the store being down must not stop management calls: the in-process latch still holds
      this.logger?.warn({ err }, 'could not read the rejected-key record');
      return undefined;
    }
  }

  async record(key: string): Promise<void> {
    try {
      await this.store.recordRejectedKey(await this.fingerprint(key), this.now());
    } catch (err) {
      this.logger?.warn({ err }, 'could not record the rejected management key');
    }
  }
}
