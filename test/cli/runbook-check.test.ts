import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { bundledRunbookPath } from '../../src/domain/runbook/load.js';

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

async function check(args: string[]) {
  const out = capture();
  const err = capture();
  const code = await runCli(['runbook', 'check', ...args], {
    env: {},
    stdout: out.stream,
    stderr: err.stream,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

const dir = mkdtempSync(join(tmpdir(), 'runbook-check-'));

describe('auth-bot runbook check', () => {
  it('accepts the bundled runbook: exit 0, "OK: 14 rows"', async () => {
    const r = await check([bundledRunbookPath()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK: 14 rows/);
  });

  it('rejects an edited copy with a bad action, naming line and field, exit 2', async () => {
    const lines = readFileSync(bundledRunbookPath(), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.trim() === 'action: rollback');
    lines[at] = lines[at]!.replace('rollback', 'revert');
    const file = join(dir, 'edited.yml');
    writeFileSync(file, lines.join('\n'));
    const r = await check([file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`line ${at + 1}, field rows[4].action (row "config-change-spike")`);
    expect(r.stderr).toContain('auth-bot runbook check FILE');
  });

  it('accepts reset-cooldown as a row action in an edited copy', async () => {
    const lines = readFileSync(bundledRunbookPath(), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.trim() === 'action: rollback');
    lines[at] = lines[at]!.replace('rollback', 'reset-cooldown');
    const file = join(dir, 'reset.yml');
    writeFileSync(file, lines.join('\n'));
    const r = await check([file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('accepts the vocabulary, codes and signals fields, and names a bad one by line and field', async () => {
    const good = join(dir, 'vocab.yml');
    writeFileSync(
      good,
      `vocabulary:\n  disk: [磁盘, 硬盘]\nrows:\n  - id: disk-full\n    symptom: Disk is full\n    confirm: df\n    fix: rm\n    match:\n      keywords: [disk, 磁盘满]\n      codes: [enospc]\n      signals: [upgrade]\n`,
    );
    expect(await check([good])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: 1 row /) });
    const bad = join(dir, 'bad-signal.yml');
    writeFileSync(bad, readFileSync(good, 'utf8').replace('signals: [upgrade]', 'signals: [reboot]'));
    const r = await check([bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 11, field rows[0].match.signals[0] (row "disk-full")');
    const badCode = join(dir, 'bad-code.yml');
    writeFileSync(badCode, readFileSync(good, 'utf8').replace('codes: [enospc]', 'codes: [ENOSPC]'));
    expect((await check([badCode])).stderr).toContain('an error code is lowercase letters, digits and _');
    const badVocab = join(dir, 'bad-vocab.yml');
    writeFileSync(badVocab, readFileSync(good, 'utf8').replace('disk: [磁盘, 硬盘]', 'disk: []'));
    expect((await check([badVocab])).stderr).toMatch(/line 2, field vocabulary\.disk: list at least one way/);
  });

  it('rejects a copy that reuses an id', async () => {
    const text = readFileSync(bundledRunbookPath(), 'utf8').replace('id: refresh-404', 'id: refresh-401');
    const file = join(dir, 'dup.yml');
    writeFileSync(file, text);
    const r = await check([file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line \d+, field rows\[2\]\.id .*duplicate id "refresh-401"/);
  });

  it('exits 2 for a missing file, a missing argument or an unknown option', async () => {
    expect((await check([join(dir, 'nope.yml')])).stderr).toContain('no such file');
    expect((await check([join(dir, 'nope.yml')])).code).toBe(2);
    expect((await check([])).code).toBe(2);
    expect((await check(['a.yml', '--fix'])).code).toBe(2);
  });

  it('prints help with --help', async () => {
    const r = await check(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: auth-bot runbook check FILE');
  });
});
