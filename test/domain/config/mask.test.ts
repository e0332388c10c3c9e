import { describe, expect, it } from 'vitest';
import { parseConfigYaml } from '../../../src/domain/config/blocks.js';
import { maskBlock, maskSecrets } from '../../../src/domain/config/mask.js';
import { TEST_FINGERPRINT as fingerprint, leakedSecrets, SECRET_CONFIG, SECRETS } from './secrets.js';

describe('maskSecrets', () => {
  it('leaves no secret anywhere in a config full of them', () => {
    const masked = JSON.stringify(maskSecrets(parseConfigYaml(SECRET_CONFIG), fingerprint));
    expect(leakedSecrets(masked)).toEqual([]);
  });

  it('shows API keys as short keyed fingerprints', () => {
    const masked = maskBlock(
      'claude-api-key',
      [{ 'api-key': 'sk-ant-x', 'base-url': 'https://a' }],
      fingerprint,
    );
    expect(masked).toEqual([{ 'api-key': fingerprint('sk-ant-x'), 'base-url': 'https://a' }]);
    expect(fingerprint('sk-ant-x')).toMatch(/^hmac:[0-9a-f]{8}$/);
  });

  it('treats every api-keys entry as a secret', () => {
    expect(maskBlock('api-keys', ['a-key-1', 'a-key-2'], fingerprint)).toEqual([
      fingerprint('a-key-1'),
      fingerprint('a-key-2'),
    ]);
  });

  it('masks header values, secrets, tokens and passwords but keeps the names and ordinary values', () => {
    const masked = maskSecrets(
      {
        headers: { 'X-Custom': 'abc', Authorization: 'Bearer zzz' },
        'client-secret': 's3cr3t',
        password: 'hunter22',
        'refresh-token': 'rt-1',
        region: 'us-east-1',
        models: [{ name: 'm', alias: 'a' }],
      },
      fingerprint,
    ) as Record<string, unknown>;
    expect(masked.headers).toEqual({
      'X-Custom': fingerprint('abc'),
      Authorization: fingerprint('Bearer zzz'),
    });
    expect(masked['client-secret']).toBe(fingerprint('s3cr3t'));
    expect(masked.password).toBe(fingerprint('hunter22'));
    expect(masked['refresh-token']).toBe(fingerprint('rt-1'));
    expect(masked.region).toBe('us-east-1');
    expect(masked.models).toEqual([{ name: 'm', alias: 'a' }]);
  });

  it('masks the password inside a proxy URL and key query parameters, keeping the rest readable', () => {
    expect(maskBlock('proxy-url', 'socks5://bob:pw-123@10.0.0.1:1080', fingerprint)).toBe(
      `socks5://bob:${fingerprint('pw-123')}@10.0.0.1:1080`,
    );
    expect(maskSecrets({ 'base-url': 'https://x.test/v1?key=qk-1&alt=json' }, fingerprint)).toEqual({
      'base-url': `https://x.test/v1?key=${fingerprint('qk-1')}&alt=json`,
    });
  });

  it('masks token-shaped strings even under innocent names', () => {
    expect(maskSecrets({ note: 'sk-abcdefghijklmnop' }, fingerprint)).toEqual({
      note: fingerprint('sk-abcdefghijklmnop'),
    });
  });

  it('keeps api-key-entries readable entry by entry', () => {
    const masked = maskBlock(
      'openai-compatibility',
      [{ name: 'or', 'api-key-entries': [{ 'api-key': 'k1', 'proxy-url': 'http://p' }] }],
      fingerprint,
    );
    expect(masked).toEqual([
      { name: 'or', 'api-key-entries': [{ 'api-key': fingerprint('k1'), 'proxy-url': 'http://p' }] },
    ]);
  });

  it('masks numbers and booleans under secret names too', () => {
    expect(maskSecrets({ token: 12345 }, fingerprint)).toEqual({ token: fingerprint('12345') });
    expect(SECRETS.length).toBeGreaterThan(5);
  });
});
