// Snapshot encryption at rest: AES-256-GCM with a random 12-byte IV, stored as a versioned envelope
// `v1:<iv>:<tag>:<ciphertext>` (base64 parts). A key-check value (an HMAC of a constant, not the key)
// in the meta table lets start-up detect a changed AUTHBOT_SNAPSHOT_KEY before anything is misread.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.js';

const ENVELOPE_VERSION = 'v1';
const KEY_CHECK_LABEL = 'cliproxy-auth-bot:snapshot-key-check:v1';
export const KEY_CHECK_META = 'snapshot_key_check';

const KEY_HINT =
  'Set AUTHBOT_SNAPSHOT_KEY back to the key the snapshots were stored with (32 bytes, base64), ' +
  'or point AUTHBOT_DATABASE_URL at a fresh database.';

export function assertSnapshotKey(key: Buffer): void {
  if (key.length !== 32) {
    throw new AppError('bad_config', `AUTHBOT_SNAPSHOT_KEY must be 32 bytes, got ${key.length}`, {
      hint: 'Generate one with: openssl rand -base64 32',
    });
  }
}

export function keyMismatchError(cause?: unknown): AppError {
  return new AppError(
    'bad_config',
    'AUTHBOT_SNAPSHOT_KEY does not match the key the stored snapshots were encrypted with',
    { hint: KEY_HINT, cause },
  );
}

export function isEnvelope(value: string): boolean {
  return value.startsWith(`${ENVELOPE_VERSION}:`) && value.split(':').length === 4;
}

export function encryptSnapshot(plaintext: string, key: Buffer): string {
  assertSnapshotKey(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    ENVELOPE_VERSION,
    iv.toString('base64'),
    tag.toString('base64'),
    ciphertext.toString('base64'),
  ].join(':');
}

/** Decrypts an envelope; a wrong key or a tampered envelope is a `bad_config` error, never garbage. */
export function decryptSnapshot(envelope: string, key: Buffer | undefined): string {
  if (key === undefined) {
    throw new AppError('bad_config', 'This snapshot is encrypted and AUTHBOT_SNAPSHOT_KEY is not set', {
      hint: 'Set AUTHBOT_SNAPSHOT_KEY to the key the snapshots were stored with (32 bytes, base64).',
    });
  }
  const [version, iv, tag, ciphertext] = envelope.split(':');
  if (version !== ENVELOPE_VERSION || iv === undefined || tag === undefined || ciphertext === undefined) {
    throw new AppError('store_error', `Unreadable snapshot envelope (version ${version ?? 'none'})`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch (err) {
    throw keyMismatchError(err);
  }
}

/** What goes into the `content` and `encrypted` columns for a plaintext snapshot. */
export function sealContent(
  plaintext: string,
  key: Buffer | undefined,
): { content: string; encrypted: boolean } {
  return key === undefined
    ? { content: plaintext, encrypted: false }
    : { content: encryptSnapshot(plaintext, key), encrypted: true };
}

export function openContent(content: string, encrypted: boolean, key: Buffer | undefined): string {
  return encrypted ? decryptSnapshot(content, key) : content;
}

export function keyCheckValue(key: Buffer): string {
  return `${ENVELOPE_VERSION}:${createHmac('sha256', key).update(KEY_CHECK_LABEL).digest('base64')}`;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The few reads and writes the key check needs, implemented by each store. */
export interface KeyCheckIo {
  readMeta(name: string): Promise<string | null>;
  /** Inserts unless the name exists (another replica may have written it first). */
  insertMeta(name: string, value: string): Promise<void>;
  /** The content of any one encrypted snapshot, or null when there is none. */
  sampleEncryptedSnapshot(): Promise<string | null>;
  /** Snapshots stored in plaintext (before a key was set): their row number and content. */
  plaintextSnapshots(): Promise<{ seq: number; content: string }[]>;
  /**
   * Replaces one plaintext row by its envelope in one conditional statement (still plaintext, same
   * content), so a row is sealed once however many replicas start at the same time; false when it was not.
   */
  sealSnapshotRow(seq: number, plaintext: string, envelope: string): Promise<boolean>;
}

export interface KeyCheckLogger {
  warn(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

/** Encrypts the snapshots stored before the key was set, one row at a time; returns how many it sealed. */
export async function sealPlaintextSnapshots(io: KeyCheckIo, key: Buffer): Promise<number> {
  let sealed = 0;
  for (const row of await io.plaintextSnapshots()) {
    if (await io.sealSnapshotRow(row.seq, row.content, encryptSnapshot(row.content, key))) sealed++;
  }
  return sealed;
}

/**
 * Start-up check. With a key: the stored key-check value must match (or is written on first use), then
 * snapshots stored in plaintext before the key was set are encrypted in place. Without a key: a database
 * holding encrypted snapshots is refused (bad_config, exit 2), since none of them could be read.
 */
export async function verifySnapshotKey(
  io: KeyCheckIo,
  key: Buffer | undefined,
  logger?: KeyCheckLogger,
): Promise<void> {
  if (key === undefined) {
    if ((await io.sampleEncryptedSnapshot()) !== null) {
      throw new AppError(
        'bad_config',
        'The database holds encrypted config snapshots but AUTHBOT_SNAPSHOT_KEY is not set',
        {
          hint: 'Set AUTHBOT_SNAPSHOT_KEY to the key the snapshots were stored with (32 bytes, base64), or point AUTHBOT_DATABASE_URL at another database.',
        },
      );
    }
    return;
  }
  assertSnapshotKey(key);
  const expected = keyCheckValue(key);
  let stored = await io.readMeta(KEY_CHECK_META);
  if (stored === null) {
    const sample = await io.sampleEncryptedSnapshot();
    if (sample !== null) decryptSnapshot(sample, key); // throws the mismatch error
    await io.insertMeta(KEY_CHECK_META, expected);
    stored = await io.readMeta(KEY_CHECK_META);
  }
  if (stored === null || !sameText(stored, expected)) throw keyMismatchError();
  const sealed = await sealPlaintextSnapshots(io, key);
  if (sealed > 0)
    logger?.info?.(
      { snapshots: sealed },
      'encrypted the snapshots stored before AUTHBOT_SNAPSHOT_KEY was set',
    );
}
