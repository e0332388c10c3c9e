import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy, parsePolicy } from '../../../src/domain/approvals/load-policy.js';
import { UNCONFIGURED_HINT, unreachableQuorum } from '../../../src/domain/approvals/policy.js';
import { AppError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'policy-'));

function expectBadConfig(fn: () => unknown, ...words: string[]) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('bad_config');
    for (const w of words) expect((err as AppError).message).toContain(w);
    return;
  }
  throw new Error('expected a bad_config error');
}

describe('the policy file', () => {
  it('fills every default when only approvers are given', () => {
    const p = parsePolicy('approvers:\n  users: [U0ALICE]\n', 'p.yml');
    expect(p.channels).toEqual([]);
    expect(p.requesters).toBeUndefined();
    expect(p.approvers).toEqual({ users: ['U0ALICE'], usergroups: [] });
    expect(p.actions.refresh).toEqual({
      approvals: 1,
      selfApproval: false,
      ttlMs: 900_000,
      cooldownMs: 300_000,
    });
    expect(p.actions.relogin.approvals).toBe(1);
    expect(p.actions.reenable.approvals).toBe(1);
    expect(p.actions.rollback.approvals).toBe(2);
    expect(p.actions['reset-cooldown']).toEqual({
      approvals: 1,
      selfApproval: false,
      ttlMs: 900_000,
      cooldownMs: 300_000,
    });
    expect(p.unconfigured).toBeUndefined();
  });

  it('reads actions.reset-cooldown like any other action', () => {
    const p = parsePolicy(
      'approvers: {users: [U0A, U0B]}\nactions:\n  reset-cooldown: {approvals: 2, ttl: 1s, cooldown: 0s}\n',
      'p.yml',
    );
    expect(p.actions['reset-cooldown']).toEqual({
      approvals: 2,
      selfApproval: false,
      ttlMs: 1000,
      cooldownMs: 0,
    });
    expect(unreachableQuorum(p, 'reset-cooldown')).toBeUndefined();
    expect(
      unreachableQuorum(
        parsePolicy('approvers: {users: [U0A]}\nactions:\n  reset-cooldown: {approvals: 2}\n', 'p.yml'),
        'reset-cooldown',
      ),
    ).toContain('actions.reset-cooldown.approvals');
  });

  it('accepts 0s and 1s durations and overrides per action', () => {
    const p = parsePolicy(
      'approvers: {users: [U0A]}\nactions:\n  refresh: {approvals: 2, self_approval: true, ttl: 1s, cooldown: 0s}\n',
      'p.yml',
    );
    expect(p.actions.refresh).toEqual({ approvals: 2, selfApproval: true, ttlMs: 1000, cooldownMs: 0 });
    expect(p.actions.rollback.approvals).toBe(2);
  });

  it('parses the shipped example', () => {
    const p = parsePolicy(readFileSync('policy.example.yml', 'utf8'), 'policy.example.yml');
    expect(p.channels).toEqual(['C0INCIDENT']);
    expect(p.approvers.usergroups).toEqual(['S0ONCALL']);
  });

  it('names the bad key and its line', () => {
    expectBadConfig(
      () => parsePolicy('approvers:\n  users: [U0A]\nactions:\n  refresh:\n    ttl: soon\n', 'p.yml'),
      'AUTHBOT_POLICY_FILE',
      'actions.refresh.ttl',
      'line 5',
    );
  });

  it('names unknown keys', () => {
    expectBadConfig(
      () => parsePolicy('approvers: {users: [U0A]}\napprover: x\n', 'p.yml'),
      'approver',
      'unknown key',
    );
  });

  it('reads snapshot_failure (default stop) and refuses any other value, naming the key', () => {
    expect(parsePolicy('approvers: {users: [U0A]}\n', 'p.yml').snapshotFailure).toBe('stop');
    expect(
      parsePolicy('approvers: {users: [U0A]}\nsnapshot_failure: continue\n', 'p.yml').snapshotFailure,
    ).toBe('continue');
    expectBadConfig(
      () => parsePolicy('approvers: {users: [U0A]}\nsnapshot_failure: maybe\n', 'p.yml'),
      'snapshot_failure',
    );
  });

  it('requires approvers', () => {
    expectBadConfig(() => parsePolicy('channels: [C0X]\n', 'p.yml'), 'approvers');
  });

  it('rejects a user id that is not one', () => {
    expectBadConfig(
      () => parsePolicy('approvers: {users: [alice]}\n', 'p.yml'),
      'approvers.users.0',
      'line 1',
    );
  });

  it('reports YAML syntax errors', () => {
    expectBadConfig(() => parsePolicy('approvers: [\n', 'p.yml'), 'YAML syntax');
  });
});

describe('loadPolicy', () => {
  it('gives a policy with no approvers when the default file is absent', async () => {
    const p = await loadPolicy(join(dir, 'absent.yml'), { explicit: false });
    expect(p.approvers).toEqual({ users: [], usergroups: [] });
    expect(p.unconfigured).toBe(UNCONFIGURED_HINT);
    expect(p.unconfigured).toContain('policy.example.yml');
    expect(p.unconfigured).toContain('AUTHBOT_POLICY_FILE');
  });

  it('fails with bad_config when an explicit file is missing', async () => {
    await expect(loadPolicy(join(dir, 'absent.yml'), { explicit: true })).rejects.toMatchObject({
      code: 'bad_config',
      message: expect.stringContaining('AUTHBOT_POLICY_FILE'),
    });
  });

  it('fails with bad_config when a file is invalid, explicit or not', async () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, 'approvers: {users: [U0A]}\nactions: {refresh: {approvals: 0}}\n');
    for (const explicit of [true, false]) {
      await expect(loadPolicy(file, { explicit })).rejects.toMatchObject({
        code: 'bad_config',
        message: expect.stringContaining('actions.refresh.approvals'),
      });
    }
  });

  it('loads a valid file', async () => {
    const file = join(dir, 'ok.yml');
    writeFileSync(file, 'approvers: {usergroups: [S0ONCALL]}\n');
    const p = await loadPolicy(file, { explicit: true });
    expect(p.approvers.usergroups).toEqual(['S0ONCALL']);
    expect(p.source).toBe(file);
  });
});

describe('unreachableQuorum', () => {
  it('names an action whose quorum the listed approvers can never reach', () => {
    const p = parsePolicy('approvers:\n  users: [U0ALICE]\n', 'p.yml');
    expect(unreachableQuorum(p, 'refresh')).toBeUndefined();
    expect(unreachableQuorum(p, 'rollback')).toContain('rollback needs 2 approvals');
    expect(unreachableQuorum(p, 'rollback')).toContain('actions.rollback.approvals');
  });

  it('trusts user groups (resolved at click time) and enough users', () => {
    expect(
      unreachableQuorum(parsePolicy('approvers: { usergroups: [S0ONCALL] }\n', 'p.yml'), 'rollback'),
    ).toBeUndefined();
    expect(
      unreachableQuorum(parsePolicy('approvers: { users: [U0A, U0B] }\n', 'p.yml'), 'rollback'),
    ).toBeUndefined();
  });
});
