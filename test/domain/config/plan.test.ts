import { describe, expect, it } from 'vitest';
import { parseConfigYaml } from '../../../src/domain/config/blocks.js';
import { planRollback } from '../../../src/domain/config/plan.js';
import { AppError } from '../../../src/errors.js';
import { TEST_FINGERPRINT as fingerprint, leakedSecrets, SECRET_CONFIG } from './secrets.js';

const SNAPSHOT = `# snapshot taken before the change
host: "127.0.0.1"
port: 8317
remote-management:
  allow-remote: true # old
  secret-key: "old-secret"
api-keys:
  - "key-one" # the only client
proxy-url: ""
`;

const LIVE = `host: "127.0.0.1"
port: 8317
remote-management:
  allow-remote: false
  secret-key: "$2a$10$abcdefghijklmnopqrstuuOlwbJ0qJbtqXN9sFq4/CxyZ1q2w3e4r"
  disable-control-panel: true
api-keys:
  - "key-one"
  - "key-two"
proxy-url: "http://proxy.internal:3128"
logging-to-file: true
`;

describe('planRollback', () => {
  it('keeps the live remote-management block and the snapshot everything else', () => {
    const plan = planRollback(SNAPSHOT, LIVE, fingerprint);
    const out = parseConfigYaml(plan.yaml);
    expect(out['remote-management']).toEqual(parseConfigYaml(LIVE)['remote-management']);
    expect(out['api-keys']).toEqual(['key-one']);
    expect(out['proxy-url']).toBe('');
    expect(plan.remoteManagement).toBe('kept-live');
  });

  it('keeps the snapshot comments and key order', () => {
    const plan = planRollback(SNAPSHOT, LIVE, fingerprint);
    expect(plan.yaml).toContain('# snapshot taken before the change');
    expect(plan.yaml).toContain('# the only client');
    expect(plan.yaml.indexOf('remote-management')).toBeLessThan(plan.yaml.indexOf('api-keys'));
  });

  it('adds the live block when the snapshot has none', () => {
    const plan = planRollback('api-keys: [a]\n', LIVE, fingerprint);
    expect(parseConfigYaml(plan.yaml)['remote-management']).toEqual(
      parseConfigYaml(LIVE)['remote-management'],
    );
  });

  it('drops the snapshot block when the live config has none (management enabled another way)', () => {
    const plan = planRollback(SNAPSHOT, 'api-keys: [key-one]\n', fingerprint);
    expect(parseConfigYaml(plan.yaml)['remote-management']).toBeUndefined();
    expect(plan.remoteManagement).toBe('absent');
  });

  it('names the changed auth/provider blocks and, separately, the other changed keys', () => {
    const plan = planRollback(SNAPSHOT, LIVE, fingerprint);
    expect(plan.changedBlocks).toEqual(['api-keys', 'proxy-url']);
    expect(plan.otherChangedBlocks).toEqual(['logging-to-file']);
    expect(plan.liveFingerprint).toMatch(/^cfg2:[0-9a-f]{16}$/); // the whole config but remote-management
  });

  it('refuses a snapshot that is not YAML, or empty', () => {
    expect(() => planRollback('a: [unclosed', LIVE, fingerprint)).toThrow(AppError);
    expect(() => planRollback('', LIVE, fingerprint)).toThrow(/empty/);
    expect(() => planRollback('- a list', LIVE, fingerprint)).toThrow(/mapping/);
  });

  it('produces a diff without secrets', () => {
    const plan = planRollback(SECRET_CONFIG, LIVE, fingerprint);
    expect(leakedSecrets(JSON.stringify(plan.changes))).toEqual([]);
  });
});
