import { describe, expect, it } from 'vitest';
import {
  changedAuthBlocks,
  isAuthBlockName,
  parseConfigYaml,
  sameValue,
} from '../../../src/domain/config/blocks.js';
import { diffConfigBlocks, formatBlockDiffs } from '../../../src/domain/config/diff.js';
import { fingerprintConfigYaml } from '../../../src/domain/config/fingerprint.js';
import { TEST_FINGERPRINT as fingerprint, leakedSecrets, OTHER_CONFIG, SECRET_CONFIG } from './secrets.js';

const cfg = (yaml: string) => parseConfigYaml(yaml);

describe('auth/provider blocks', () => {
  it.each([
    ['api-keys', true],
    ['gemini-api-key', true],
    ['openai-compatibility', true],
    ['kiro', true],
    ['proxy-url', true],
    ['routing', true],
    ['quota-exceeded', true],
    ['request-retry', true],
    ['oauth-model-alias', true],
    ['some-new-api-key', true],
    ['remote-management', false],
    ['host', false],
    ['logging-to-file', false],
  ])('%s is an auth/provider block: %s', (name, expected) => {
    expect(isAuthBlockName(name)).toBe(expected);
  });

  it('treats absent and empty as equal, and ignores key order', () => {
    expect(sameValue({ a: 1, b: '' }, { a: 1 })).toBe(true);
    expect(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
  });

  it('names the blocks that differ, ignoring remote-management and other keys', () => {
    expect(changedAuthBlocks(cfg(SECRET_CONFIG), cfg(OTHER_CONFIG))).toEqual([
      'api-keys',
      'claude-api-key',
      'codex-api-key',
      'gemini-api-key',
      'kiro',
      'openai-compatibility',
      'proxy-url',
      'request-retry',
      'routing',
      'vertex-api-key',
    ]);
  });
});

describe('diffConfigBlocks', () => {
  it('reports a list entry added to api-keys by its fingerprint', () => {
    const d = diffConfigBlocks(cfg('api-keys: [k-one]'), cfg('api-keys: [k-one, k-two]'), fingerprint);
    expect(d).toEqual([
      {
        block: 'api-keys',
        kind: 'changed',
        changes: [{ path: `api-keys[${fingerprint('k-two')}]`, kind: 'added' }],
      },
    ]);
  });

  it('matches entries by api-key and shows the changed field', () => {
    const d = diffConfigBlocks(
      cfg('claude-api-key:\n  - api-key: A1\n    base-url: https://a\n  - api-key: B2\n'),
      cfg('claude-api-key:\n  - api-key: B2\n  - api-key: A1\n    base-url: https://b\n'),
      fingerprint,
    );
    expect(d[0]?.changes).toEqual([
      {
        path: `claude-api-key[${fingerprint('A1')}].base-url`,
        kind: 'changed',
        before: 'https://a',
        after: 'https://b',
      },
    ]);
  });

  it('matches openai-compatibility entries by name', () => {
    const d = diffConfigBlocks(
      cfg('openai-compatibility:\n  - name: or\n    models: [{name: m1}]\n'),
      cfg('openai-compatibility:\n  - name: or\n    models: [{name: m1}, {name: m2}]\n  - name: new\n'),
      fingerprint,
    );
    const lines = formatBlockDiffs(d);
    expect(lines).toContain('  + openai-compatibility[or].models[m2]: {"name":"m2"}');
    expect(lines).toContain('  + openai-compatibility[new]: {"name":"new"}');
  });

  it('reports added and removed blocks', () => {
    const d = diffConfigBlocks(
      cfg('proxy-url: http://p\n'),
      cfg('routing: {strategy: fill-first}\n'),
      fingerprint,
    );
    expect(d.map((b) => [b.block, b.kind])).toEqual([
      ['proxy-url', 'removed'],
      ['routing', 'added'],
    ]);
  });

  it('is empty when only non-auth blocks or remote-management differ', () => {
    expect(
      diffConfigBlocks(
        cfg('port: 1\nremote-management: {secret-key: a}\napi-keys: [x]'),
        cfg('port: 2\nremote-management: {secret-key: b}\napi-keys: [x]'),
        fingerprint,
      ),
    ).toEqual([]);
  });

  it('never shows a secret, in either direction', () => {
    for (const [a, b] of [
      [SECRET_CONFIG, OTHER_CONFIG],
      [OTHER_CONFIG, SECRET_CONFIG],
      ['{}', SECRET_CONFIG],
      [SECRET_CONFIG, '{}'],
    ] as const) {
      const d = diffConfigBlocks(cfg(a), cfg(b), fingerprint);
      const text = `${JSON.stringify(d)}\n${formatBlockDiffs(d).join('\n')}`;
      expect(leakedSecrets(text)).toEqual([]);
      expect(text).not.toContain('$2a$10$');
    }
  });
});

describe('fingerprintConfigYaml', () => {
  it('changes with the auth/provider blocks only', () => {
    const base = fingerprintConfigYaml('port: 1\napi-keys: [a]\n');
    expect(fingerprintConfigYaml('port: 2\n# comment\napi-keys: ["a"]\n')).toBe(base);
    expect(fingerprintConfigYaml('port: 1\napi-keys: [a, b]\n')).not.toBe(base);
  });
});
