// The /auth-rollback texts: command parsing, the snapshot list, and the request sections within Slack's limits.
import { describe, expect, it } from 'vitest';
import { parseConfigYaml } from '../../src/domain/config/blocks.js';
import { formatBlockDiffs } from '../../src/domain/config/diff.js';
import { planRollback } from '../../src/domain/config/plan.js';
import { parseRollbackCommand } from '../../src/slack/commands/rollback.js';
import { findBlockKitViolations, LIMITS } from '../../src/slack/views/limits.js';
import { rollbackResultText, rollbackSections } from '../../src/slack/views/rollback.js';
import { snapshotsView } from '../../src/slack/views/snapshots.js';
import { TEST_FINGERPRINT as fingerprint, leakedSecrets, SECRET_CONFIG } from '../domain/config/secrets.js';

describe('parseRollbackCommand', () => {
  it.each([
    ['', { kind: 'list' }],
    ['  list ', { kind: 'list' }],
    ['20260829-101500-ab12', { kind: 'request', snapshotId: '20260829-101500-ab12' }],
  ])('%j', (text, expected) => {
    expect(parseRollbackCommand(text)).toEqual(expected);
  });
  it.each(['help', 'a b', '../../etc/passwd', '20260829-101500-AB12; rm'])(
    'refuses %j with usage',
    (text) => {
      const r = parseRollbackCommand(text);
      expect(r.kind).toBe('usage');
      expect(r.kind === 'usage' && r.error).toContain('/auth-rollback');
    },
  );
});

describe('snapshotsView', () => {
  const row = (i: number) => ({
    id: `20260829-1015${String(i).padStart(2, '0')}-abcd`,
    takenAt: Date.UTC(2026, 7, 29, 10, 15, i),
    hash: 'f'.repeat(64),
    reason: i === 0 ? 'pre-rollback:req-1' : 'interval',
    changedBlocks: i % 2 ? ['api-keys', 'proxy-url'] : [],
  });

  it('shows id, time, short hash and changed blocks, newest first', () => {
    const view = snapshotsView({ rows: [row(1), row(0)], liveError: undefined });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('`20260829-101501-abcd`');
    expect(text).toContain('`ffffffffffff`');
    expect(text).toContain('`api-keys`, `proxy-url`');
    expect(text).toContain('same as live');
    expect(text.indexOf('101501')).toBeLessThan(text.indexOf('101500'));
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
  });

  it('says when it could not compare with the live config', () => {
    const view = snapshotsView({ rows: [row(1)], liveError: 'The proxy at http://x is unreachable.' });
    expect(JSON.stringify(view.blocks)).toContain('Not compared with the live config');
  });

  it('stays within Slack limits with many snapshots, and says when there are none', () => {
    const rows = Array.from({ length: 50 }, (_, i) => row(i % 60));
    expect(findBlockKitViolations(snapshotsView({ rows, liveError: undefined }).blocks)).toEqual([]);
    expect(snapshotsView({ rows: [], liveError: undefined }).text).toContain('No config snapshots yet');
  });
});

describe('rollbackSections', () => {
  it('names the changed blocks, the other keys, and shows the masked diff without secrets', () => {
    const plan = planRollback(
      SECRET_CONFIG,
      'api-keys: [x]\nlogging-to-file: true\nremote-management: {secret-key: k}\n',
      fingerprint,
    );
    const sections = rollbackSections({
      snapshotId: '20260829-101500-ab12',
      snapshotTakenAt: 0,
      snapshotHash: 'a'.repeat(64),
      changedBlocks: plan.changedBlocks,
      otherChangedBlocks: plan.otherChangedBlocks,
      diff: formatBlockDiffs(plan.changes),
    });
    const text = sections.join('\n');
    expect(text).toContain('*Config blocks it changes:* `api-keys`, `claude-api-key`');
    expect(text).toContain('`logging-to-file`');
    expect(text).toContain('hmac:');
    expect(leakedSecrets(text)).toEqual([]);
    for (const s of sections) expect(s.length).toBeLessThanOrEqual(LIMITS.sectionText);
  });

  it('cuts a huge diff at a line boundary and says how much is left', () => {
    const keys = Array.from({ length: 400 }, (_, i) => `client-key-number-${i}`);
    const plan = planRollback(`api-keys: [${keys.join(', ')}]\n`, 'api-keys: []\n', fingerprint);
    const sections = rollbackSections({
      snapshotId: 'x',
      snapshotTakenAt: 0,
      snapshotHash: 'a'.repeat(64),
      changedBlocks: plan.changedBlocks,
      otherChangedBlocks: [],
      diff: formatBlockDiffs(plan.changes),
    });
    expect(sections[1]!.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(sections[1]).toMatch(/… \d+ more line\(s\)/);
    expect(sections[1]).not.toContain('client-key-number');
  });

  it('the result names the command that re-applies the pre-rollback config', () => {
    const text = rollbackResultText(
      true,
      [{ name: 'canary', ok: true, skipped: true, detail: 'skipped' }],
      undefined,
      'pre-id',
    );
    expect(text).toContain('Verified');
    expect(text).toContain('`/auth-rollback pre-id`');
  });
});

describe('parseConfigYaml', () => {
  it('accepts an empty file as an empty config', () => {
    expect(parseConfigYaml('')).toEqual({});
  });
});
