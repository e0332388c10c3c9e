import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledRunbookPath, loadRunbook, loadRunbookFile } from '../../../src/domain/runbook/load.js';
import { AppError } from '../../../src/errors.js';
import { RUNBOOK_ROW_IDS } from '../../fixtures/runbook-ids.js';

const ROW_IDS = RUNBOOK_ROW_IDS;

const SEED_SYMPTOMS: Record<string, string> = {
  'repeated-401': 'Requests return repeated 401 after prior success',
  'refresh-401': 'Manual refresh returns 401',
  'refresh-404': 'Manual refresh returns 404',
  'token-stays-expired': 'Refresh appears to run but token stays expired',
  'config-change-spike': 'Refresh failures spike after config change',
  'iflow-refresh-failed': 'iflow executor: token refresh failed (or similar OAuth refresh errors)',
  'kiro-idc-refresh': 'Kiro IDC refresh fails with 400/401 repeatedly (#149 scope)',
  'kiro-account-selection': 'Kiro login account selection seems ignored (#102 scope)',
  'stale-status': 'Manual status appears stale after refresh (#136 scope)',
};

const GOOD_ROW = `  - id: sample-row
    symptom: Something breaks
    confirm: Look at it
    fix: Mend it
`;

/** Loads text that must fail; returns the error message. */
function errorOf(text: string): string {
  try {
    loadRunbook(text, 'edited.yml');
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('bad_config');
    return (err as AppError).message;
  }
  throw new Error('expected the runbook to be rejected');
}

describe('the bundled runbook', () => {
  const runbook = loadRunbookFile(bundledRunbookPath());

  it('is found next to package.json and holds the 14 rows in order', () => {
    expect(bundledRunbookPath()).toMatch(/runbook[/\\]runbook\.yml$/);
    expect(existsSync(bundledRunbookPath())).toBe(true);
    expect(runbook.rows.map((r) => r.id)).toEqual(ROW_IDS);
  });

  it('keeps the seed table symptoms word for word', () => {
    for (const [id, symptom] of Object.entries(SEED_SYMPTOMS)) {
      expect(runbook.rows.find((r) => r.id === id)?.symptom).toBe(symptom);
    }
  });

  it('declares checks for rows the management API can confirm, and none for the browser-flag row', () => {
    const withCheck = runbook.rows.filter((r) => r.check !== undefined).map((r) => r.id);
    expect(withCheck).toEqual(ROW_IDS.filter((id) => id !== 'kiro-account-selection'));
    for (const r of runbook.rows) if (r.check !== undefined) expect(r.check).toBe(r.id);
  });

  it('declares the approval-gated fix for rows the bot can fix', () => {
    const actions = Object.fromEntries(runbook.rows.map((r) => [r.id, r.action]));
    expect(actions).toMatchObject({
      'repeated-401': 'refresh',
      'token-stays-expired': 'relogin',
      'config-change-spike': 'rollback',
      'iflow-refresh-failed': 'relogin',
      'kiro-idc-refresh': 'relogin',
      'stale-status': 'refresh',
      'refresh-stopped-unauthorized': 'relogin',
      'model-cooldown': 'reset-cooldown',
      'refresh-401': undefined,
      'kiro-account-selection': undefined,
      'mgmt-ip-banned': undefined,
    });
  });
});

describe('loadRunbook errors name the line and the field', () => {
  it('points at a bad action', () => {
    const msg = errorOf(
      `rows:\n${GOOD_ROW}  - id: second-row\n    symptom: s\n    confirm: c\n    fix: f\n    action: reboot\n`,
    );
    expect(msg).toContain('edited.yml');
    expect(msg).toMatch(/line 10, field rows\[1\]\.action \(row "second-row"\)/);
    expect(msg).toContain('refresh');
  });

  it('points at the second of two rows with the same id', () => {
    const msg = errorOf(`rows:\n${GOOD_ROW}${GOOD_ROW}`);
    expect(msg).toMatch(/line 6, field rows\[1\]\.id .*duplicate id "sample-row"/);
  });

  it('points at the row that lacks a required field', () => {
    const msg = errorOf('rows:\n  - id: no-fix\n    symptom: s\n    confirm: c\n');
    expect(msg).toMatch(/line 2, field rows\[0\]\.fix \(row "no-fix"\)/);
  });

  it('rejects misspelt fields, ids that are not kebab-case and empty text', () => {
    expect(errorOf(`rows:\n${GOOD_ROW}    symtom: typo\n`)).toMatch(
      /line 6, field rows\[0\].*unknown field\(s\) symtom/,
    );
    expect(errorOf(GOOD_ROW.replace('sample-row', 'Sample_Row').replace(/^/, 'rows:\n'))).toMatch(
      /line 2, field rows\[0\]\.id.*kebab-case/,
    );
    expect(errorOf(`rows:\n${GOOD_ROW.replace('Mend it', '""')}`)).toMatch(/line 5, field rows\[0\]\.fix/);
  });

  it('points into the match section', () => {
    const msg = errorOf(`rows:\n${GOOD_ROW}    match:\n      status: [401, "four-oh-four"]\n`);
    expect(msg).toMatch(/line 7, field rows\[0\]\.match\.status\[1\]/);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(errorOf(`rows:\n${GOOD_ROW}    fix: [unclosed\n`)).toMatch(/line \d+: YAML/);
    expect(errorOf('rows: []\n')).toMatch(/field rows.*at least one row/);
    expect(errorOf('- just\n- a list\n')).toMatch(/line 1, field \(top level\)/);
  });

  it('says when a runbook file cannot be read', () => {
    expect(() => loadRunbookFile('/nonexistent/runbook.yml')).toThrow(/Cannot read runbook .*no such file/);
  });

  it('accepts a minimal row with no check, action or match section', () => {
    const rb = loadRunbook(`rows:\n${GOOD_ROW}`, 'min.yml');
    expect(rb.rows[0]).toEqual({
      id: 'sample-row',
      symptom: 'Something breaks',
      confirm: 'Look at it',
      fix: 'Mend it',
      match: { status: [], phrases: [], providers: [], routes: [], keywords: [], codes: [], signals: [] },
    });
    expect(rb.source).toBe('min.yml');
  });
});
