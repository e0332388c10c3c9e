import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprint, keyedFingerprint, Redactor } from '../../src/domain/redact.js';

describe('Redactor', () => {
  const r = new Redactor(['plain-management-key-42']);

  it.each([
    ['Authorization: Bearer abc.def.ghijkl', 'abc.def.ghijkl'],
    ['slack says xoxb-1234-5678-abcdef', 'xoxb-1234-5678-abcdef'],
    ['app token xapp-1-A0-123-abc', 'xapp-1-A0-123-abc'],
    ['https://hooks.slack.com/commands/T0/123/abc', 'hooks.slack.com/commands'],
    ['key sk-ant-api03-abcdefghijkl', 'sk-ant-api03-abcdefghijkl'],
    ['google ya29.a0AfH6SMBxyzxyzxyz', 'ya29.a0AfH6SMBxyzxyzxyz'],
    ['refresh_token=1//0gAbCdEfGhIj&x=1', '1//0gAbCdEfGhIj'],
    ['{"refresh_token": "rt-secret-value", "ok": true}', 'rt-secret-value'],
    ['client_secret: s3cr3t-value', 's3cr3t-value'],
    ['api-key=AIzaSyA1234567890abcdefghijk', 'AIzaSyA1234567890abcdefghijk'],
    ['the key is plain-management-key-42 ok', 'plain-management-key-42'],
  ])('removes the secret from %j', (input, secret) => {
    const out = r.text(input);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it('leaves ordinary log text alone', () => {
    const line = 'iflow executor: token refresh failed: 401 unauthorized (status 401, provider iflow)';
    expect(r.text(line)).toBe(line);
  });

  it('redacts secret-named keys in objects, at any depth', () => {
    const out = r.value({ a: { refresh_token: 'x-123', nested: { 'api-key': 'k-1' } }, name: 'kiro.json' });
    expect(out).toEqual({
      a: { refresh_token: '[redacted]', nested: { 'api-key': '[redacted]' } },
      name: 'kiro.json',
    });
  });

  it('fingerprints are short, stable and not the value', () => {
    expect(fingerprint('abc')).toBe(fingerprint('abc'));
    expect(fingerprint('abc')).not.toBe(fingerprint('abd'));
    expect(fingerprint('secret-value')).not.toContain('secret-value');
    expect(fingerprint('x')).toMatch(/^sha256:[0-9a-f]{8}$/);
  });

  it('keyed fingerprints are stable per key, differ across keys and are not the bare sha256', () => {
    const a = keyedFingerprint(Buffer.alloc(32, 1));
    const b = keyedFingerprint(Buffer.alloc(32, 2));
    expect(a('sk-ant-x')).toBe(a('sk-ant-x'));
    expect(a('sk-ant-x')).toMatch(/^hmac:[0-9a-f]{8}$/);
    expect(a('sk-ant-x')).not.toBe(b('sk-ant-x'));
    expect(a('sk-ant-x')).not.toContain(createHash('sha256').update('sk-ant-x').digest('hex').slice(0, 8));
    expect(() => keyedFingerprint(Buffer.alloc(8))).toThrow(/16 bytes/);
  });
});
