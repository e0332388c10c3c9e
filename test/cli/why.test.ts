import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';

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

async function why(args: string[], env: Record<string, string | undefined> = {}) {
  const out = capture();
  const err = capture();
  const code = await runCli(['why', ...args], { env, stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('auth-bot why', () => {
  it('prints the matching rows with confirm, fix and reasons, and exits 0', async () => {
    const r = await why(['refresh', 'returns', '404']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1\. refresh-404 {2}\(score 0\.\d\d\)/);
    expect(r.stdout).toContain('Confirm: Check if management routes are enabled');
    expect(r.stdout).toContain('Fix:     Set remote-management.secret-key');
    expect(r.stdout).toContain('Why:     matched status code 404');
    expect(r.stdout).toContain('Check:   auth-bot check refresh-404');
  });

  it('prints exactly the documented JSON shape with --json, best first', async () => {
    const r = await why(['iflow executor: token refresh failed: invalid_grant', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['query', 'matches']);
    expect(json.query).toBe('iflow executor: token refresh failed: invalid_grant');
    expect(json.matches[0].id).toBe('iflow-refresh-failed');
    for (const m of json.matches) {
      expect(Object.keys(m)).toEqual(['id', 'score', 'symptom', 'confirm', 'fix', 'reasons']);
      expect(typeof m.score).toBe('number');
      expect(m.reasons.length).toBeGreaterThan(0);
    }
    const scores = json.matches.map((m: { score: number }) => m.score);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
  });

  it('exits 1 with an empty matches list when nothing matches', async () => {
    const r = await why(['--json', 'hello', 'world']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ query: 'hello world', matches: [] });
    const text = await why(['lunch?']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('No runbook row matches "lunch?"');
  });

  it('suggests the nearest rows when the text is too vague', async () => {
    const r = await why(['refresh']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Did you mean:');
  });

  it('exits 2 on bad usage: no text, or an unknown option', async () => {
    const none = await why([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: auth-bot why');
    const flag = await why(['401', '--yaml']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown option --yaml');
  });

  it('prints help with --help and exits 0', async () => {
    const r = await why(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--json');
  });

  it('reads AUTHBOT_RUNBOOK_FILE, and exits 2 naming the line when that file is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'why-'));
    const good = join(dir, 'good.yml');
    writeFileSync(
      good,
      'rows:\n  - id: disk-full\n    symptom: Disk is full\n    confirm: df -h\n    fix: Delete logs\n    match:\n      keywords: [disk]\n',
    );
    const r = await why(['disk', '--json'], { AUTHBOT_RUNBOOK_FILE: good });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).matches.map((m: { id: string }) => m.id)).toEqual(['disk-full']);

    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'rows:\n  - id: disk-full\n    symptom: Disk is full\n    confirm: df -h\n');
    const broken = await why(['disk'], { AUTHBOT_RUNBOOK_FILE: bad });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/line 2, field rows\[0\]\.fix/);
  });

  it('exits 2 naming the setting when the environment is invalid', async () => {
    const r = await why(['401'], { LOG_LEVEL: 'loud' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LOG_LEVEL');
  });

  it('runs as a real process: node --import tsx src/cli.ts why 401 --json', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'why', '401', '--json'],
      { env: { PATH: process.env.PATH ?? '' }, timeout: 20_000 },
    );
    const json = JSON.parse(stdout);
    expect(json.query).toBe('401');
    expect(json.matches[0].id).toBe('repeated-401');
    expect(json.matches[0].reasons).toContain('matched status code 401');
  });
});
