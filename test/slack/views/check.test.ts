import { describe, expect, it } from 'vitest';
import { checkErrorView, checkView } from '../../../src/slack/views/check.js';
import { findBlockKitViolations } from '../../../src/slack/views/limits.js';

describe('checkView', () => {
  it.each([
    [true, 'Confirmed'],
    [false, 'Not confirmed'],
    [null, 'Cannot check automatically'],
  ])('shows the verdict (%s)', (confirmed, words) => {
    const view = checkView({
      row: 'kiro-idc-refresh',
      confirmed,
      summary: 'summary',
      findings: ['a.json: lacks client_secret'],
    });
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain(words);
    expect(JSON.stringify(view.blocks)).toContain('auth-bot check kiro-idc-refresh');
  });

  it('cuts hundreds of long findings to fit', () => {
    const findings = Array.from({ length: 500 }, (_, i) => `finding ${i} ${'y'.repeat(500)}`);
    const view = checkView({ row: 'stale-status', confirmed: true, summary: 's'.repeat(5000), findings });
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
    const shown = (JSON.stringify(view.blocks).match(/• finding/g) ?? []).length;
    expect(JSON.stringify(view.blocks)).toContain(`and ${500 - shown} more`);
  });

  it('renders errors with their row and hint', () => {
    const view = checkErrorView('refresh-401', {
      code: 'timeout',
      message: 'slow',
      runbook: 'refresh-401',
      hint: 'h',
    });
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
    expect(view.text).toContain('slow');
  });
});
