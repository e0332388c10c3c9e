import { describe, expect, it } from 'vitest';
import { indexRunbook } from '../../../src/domain/runbook/index-rows.js';
import { bundledRunbookPath, loadRunbookFile } from '../../../src/domain/runbook/load.js';
import { closestRows, type MatchResult, matchRunbook } from '../../../src/domain/runbook/match.js';
import type { Runbook, RunbookRow } from '../../../src/domain/runbook/schema.js';
import { findBlockKitViolations, LIMITS } from '../../../src/slack/views/limits.js';
import { whyHelpView, whyNoMatchView, whyResultView } from '../../../src/slack/views/why.js';

const runbook = loadRunbookFile(bundledRunbookPath());

type Block = { type: string; elements?: { action_id?: string; value?: string; text?: { text: string } }[] };
const buttonsOf = (blocks: unknown[]) =>
  (blocks as Block[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
const textOf = (blocks: unknown[]) => JSON.stringify(blocks);

/** A runbook whose every field is 10k characters long (built directly: views take any Runbook). */
function hugeRunbook(rows: number): Runbook {
  const long = (word: string) => `${word} `.repeat(Math.ceil(10_000 / (word.length + 1))).slice(0, 10_000);
  const list: RunbookRow[] = Array.from({ length: rows }, (_, i) => ({
    id: `row-${i}-${'x'.repeat(60)}`,
    symptom: long('disk <!channel> full'),
    confirm: long('look & see'),
    fix: long('`delete` logs'),
    check: `row-${i}`,
    action: 'refresh',
    match: { status: [], providers: [], routes: [], keywords: ['disk'], phrases: [long('disk full')] },
  }));
  return { source: 'huge', rows: list, index: indexRunbook(list) };
}

describe('whyResultView', () => {
  it('shows at most three rows, each with confirm, fix and why it matched', () => {
    const view = whyResultView(matchRunbook(runbook, '401'));
    const text = textOf(view.blocks);
    expect(text).toContain('Requests return repeated 401 after prior success');
    expect(text).toContain('*How to confirm:* Check logs + provider metrics for auth errors');
    expect(text).toContain('*Fix:* Trigger manual refresh');
    expect(text).toContain('Why it matched: matched status code 401');
    expect(text).not.toContain('A credential shows status error');
    expect(text).toContain('Also matched: refresh-stopped-unauthorized');
    expect(view.text).toContain('repeated-401');
  });

  it('offers Run check and Request fix only for rows that have them, plus a share button', () => {
    const view = whyResultView(matchRunbook(runbook, '401'));
    const ids = buttonsOf(view.blocks).map((b) => b.action_id);
    expect(ids).toEqual([
      'check_run:repeated-401',
      'fix_request:repeated-401',
      'check_run:refresh-401',
      'check_run:kiro-idc-refresh',
      'fix_request:kiro-idc-refresh',
      'why_share',
    ]);
    const run = buttonsOf(view.blocks).find((b) => b.action_id === 'check_run:refresh-401');
    expect(run?.value).toBe('refresh-401');
    expect(run?.text?.text).toBe('Run check');
    expect(buttonsOf(view.blocks).find((b) => b.action_id === 'why_share')?.value).toBe('401');
  });

  it('has no check button for a row that needs the proxy process logs, and shows its scope', () => {
    const view = whyResultView(matchRunbook(runbook, 'incognito option has no effect'));
    expect(buttonsOf(view.blocks).map((b) => b.action_id)).toEqual(['why_share']);
    expect(textOf(view.blocks)).toContain('Scope: router-for-me/CLIProxyAPIPlus #102');
  });

  it('drops every button for the copy shared in the channel', () => {
    const view = whyResultView(matchRunbook(runbook, '401'), { interactive: false });
    expect(buttonsOf(view.blocks)).toEqual([]);
  });

  it('escapes mrkdwn so a pasted query cannot ping the channel', () => {
    const view = whyResultView(matchRunbook(runbook, '<!channel> 401 `x`'));
    const visible = JSON.stringify((view.blocks as { type: string }[]).filter((b) => b.type !== 'actions'));
    expect(visible).not.toContain('<!channel>');
    expect(visible).toContain('&lt;!channel&gt;');
  });

  it('stays within Block Kit limits for 10k-character rows and a 5k-character query', () => {
    const huge = hugeRunbook(6);
    const query = `disk full ${'q'.repeat(5000)}`;
    const result = matchRunbook(huge, query);
    expect(result.matches.length).toBeGreaterThan(3);
    const view = whyResultView({
      ...result,
      matches: result.matches.map((m) => ({ ...m, reasons: Array(50).fill('r'.repeat(500)) })),
    });
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
    expect(view.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    const share = buttonsOf(view.blocks).find((b) => b.action_id === 'why_share');
    expect(share?.value?.length).toBeLessThanOrEqual(LIMITS.buttonValue);
  });

  it('stays within limits for every realistic query against the bundled runbook', () => {
    for (const q of [
      '401',
      'kiro idc refresh 400',
      '503 auth_unavailable',
      'hello world',
      'x'.repeat(5000),
    ]) {
      const result: MatchResult = matchRunbook(runbook, q);
      expect(findBlockKitViolations(whyResultView(result).blocks)).toEqual([]);
    }
  });
});

describe('whyHelpView', () => {
  it('explains usage and lists every known symptom with its id', () => {
    const view = whyHelpView(runbook);
    const text = textOf(view.blocks);
    expect(text).toContain('/auth-why TEXT');
    for (const row of runbook.rows) expect(text).toContain(`\`${row.id}\``);
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
  });

  it('stays within limits for a runbook of 80 rows with 10k-character fields', () => {
    const view = whyHelpView(hugeRunbook(80));
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
    expect(textOf(view.blocks)).toContain('more in the runbook file');
    expect(view.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
  });
});

describe('whyNoMatchView', () => {
  it('says nothing matched and offers the nearest rows', () => {
    const view = whyNoMatchView('refresh', closestRows(runbook, 'refresh', 3));
    const text = textOf(view.blocks);
    expect(text).toContain('No runbook row matches `refresh`');
    expect(text).toContain('Did you mean');
    expect(view.text).toContain('No runbook row matches "refresh"');
  });

  it('leaves out the suggestions when there are none', () => {
    const view = whyNoMatchView('hello world', []);
    expect(textOf(view.blocks)).not.toContain('Did you mean');
  });

  it('stays within limits with a 5k-character query and 10k-character suggestions', () => {
    const huge = hugeRunbook(5);
    const view = whyNoMatchView('z'.repeat(5000), huge.rows);
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
    expect(view.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
  });
});
