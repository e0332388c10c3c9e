import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptSnapshot,
  encryptSnapshot,
  type KeyCheckIo,
  keyCheckValue,
  verifySnapshotKey,
} from '../../src/store/crypto.js';
import { findPostgresBin } from '../setup/postgres.js';

function memoryIo(sample: string | null = null): KeyCheckIo & { meta: Map<string, string> } {
  const meta = new Map<string, string>();
  return {
    meta,
    readMeta: async (name) => meta.get(name) ?? null,
    insertMeta: async (name, value) => {
      if (!meta.has(name)) meta.set(name, value);
    },
    sampleEncryptedSnapshot: async () => sample,
    plaintextSnapshots: async () => [],
    sealSnapshotRow: async () => false,
  };
}

describe('snapshot encryption', () => {
  const key = randomBytes(32);

  it('round-trips through a v1 envelope with a fresh IV each time', () => {
    const a = encryptSnapshot('remote-management: {}\n', key);
    const b = encryptSnapshot('remote-management: {}\n', key);
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(decryptSnapshot(a, key)).toBe('remote-management: {}\n');
  });

  it('reports a wrong key or a tampered envelope as bad_config naming AUTHBOT_SNAPSHOT_KEY', () => {
    const envelope = encryptSnapshot('x', key);
    expect(() => decryptSnapshot(envelope, randomBytes(32))).toThrow(/AUTHBOT_SNAPSHOT_KEY does not match/);
    const parts = envelope.split(':');
    const tampered = [...parts.slice(0, 3), Buffer.from('y').toString('base64')].join(':');
    expect(() => decryptSnapshot(tampered, key)).toThrow(expect.objectContaining({ code: 'bad_config' }));
    expect(() => decryptSnapshot(envelope, undefined)).toThrow(/AUTHBOT_SNAPSHOT_KEY is not set/);
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(() => encryptSnapshot('x', randomBytes(16))).toThrow(/32 bytes/);
  });

  it('writes the key check on first use and refuses a different key later', async () => {
    const io = memoryIo();
    await verifySnapshotKey(io, key);
    expect(io.meta.get('snapshot_key_check')).toBe(keyCheckValue(key));
    expect(io.meta.get('snapshot_key_check')).not.toContain(key.toString('base64'));
    await verifySnapshotKey(io, key);
    await expect(verifySnapshotKey(io, randomBytes(32))).rejects.toMatchObject({ code: 'bad_config' });
  });

  it('refuses a key that cannot read existing encrypted snapshots even without a key check', async () => {
    const io = memoryIo(encryptSnapshot('x', key));
    await expect(verifySnapshotKey(io, randomBytes(32))).rejects.toThrow(/does not match/);
    await verifySnapshotKey(memoryIo(encryptSnapshot('x', key)), key);
  });

  it('refuses (bad_config, naming AUTHBOT_SNAPSHOT_KEY) when snapshots are encrypted and no key is set', async () => {
    const failure = verifySnapshotKey(memoryIo(encryptSnapshot('x', key)), undefined);
    await expect(failure).rejects.toMatchObject({ code: 'bad_config' });
    await expect(failure).rejects.toThrow(/AUTHBOT_SNAPSHOT_KEY is not set/);
    await verifySnapshotKey(memoryIo(null), undefined); // nothing encrypted: nothing to refuse
  });
});

describe('test PostgreSQL harness', () => {
  it('fails with the install command when the server binaries are missing', () => {
    expect(() => findPostgresBin('/nonexistent/postgresql')).toThrow(/bash scripts\/install-postgres\.sh/);
  });
});
