// The installation's fingerprint key: 32 random bytes in the meta table, shared by every replica on the same
// database. Created at most once: each caller inserts its candidate only if the row is absent (one atomic
// statement, INSERT ... ON CONFLICT DO NOTHING, in SQLite and PostgreSQL alike), then reads back whichever
// value won, so two replicas starting together end up with the same key.
import { randomBytes } from 'node:crypto';
import type { KeyCheckIo } from './crypto.js';

export const FINGERPRINT_KEY_META = 'fingerprint-key';
const KEY_BYTES = 32;

export async function readOrCreateInstallationKey(
  io: Pick<KeyCheckIo, 'readMeta' | 'insertMeta'>,
  name = FINGERPRINT_KEY_META,
): Promise<Buffer> {
  let value = await io.readMeta(name);
  if (value === null) {
    await io.insertMeta(name, randomBytes(KEY_BYTES).toString('base64'));
    value = await io.readMeta(name);
  }
  const key = value === null ? undefined : Buffer.from(value, 'base64');
  if (!key || key.length !== KEY_BYTES)
    throw new Error(`the meta row ${name} does not hold a ${KEY_BYTES}-byte base64 key`);
  return key;
}
