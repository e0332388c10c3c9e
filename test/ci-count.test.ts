// The last line of `.ci/run` ("N passed, N failed") from a real vitest JSON report: a test file that fails
// to load, or whose beforeAll throws, counts as a failure even when other tests failed too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs vitest on the given test files (globals on, no imports needed) and returns the CI line. */
function ciLine(files: Record<string, string>): { line: string; vitestCode: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'authbot-ci-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const report = join(dir, 'results.json');
  const vitest = spawnSync(
    join(root, 'node_modules', '.bin', 'vitest'),
    ['run', '--root', dir, '--globals', '--reporter=json', `--outputFile=${report}`],
    { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', CI: 'true' } },
  );
  readFileSync(report); // the report exists
  const count = spawnSync(
    process.execPath,
    [join(root, 'scripts', 'ci-count.mjs'), report, String(vitest.status)],
    {
      encoding: 'utf8',
    },
  );
  return { line: count.stdout.trim(), vitestCode: vitest.status };
}

const failing =
  "describe('group', () => { it('fails', () => { expect(1).toBe(2); }); it('passes', () => {}); });";
const unloadable = "import './no-such-module.js';\nit('never runs', () => {});";
const brokenSetup =
  "beforeAll(() => { throw new Error('setup broke'); });\nit('skipped by the failed hook', () => {});";
const passing = "it('passes', () => {});";

describe('.ci/run result line', () => {
  it('counts a failed test, a file that does not load and a file whose beforeAll throws', () => {
    const r = ciLine({
      'a.test.js': failing,
      'b.test.js': unloadable,
      'c.test.js': passing,
      'd.test.js': brokenSetup,
    });
    expect(r.vitestCode).not.toBe(0);
    expect(r.line).toBe('2 passed, 3 failed');
  }, 60_000);

  it('counts a file that does not load when no test failed', () => {
    const r = ciLine({ 'b.test.js': unloadable, 'c.test.js': passing });
    expect(r.line).toBe('1 passed, 1 failed');
  }, 60_000);

  it('says 0 failed only for a clean run', () => {
    const r = ciLine({ 'c.test.js': passing });
    expect(r.vitestCode).toBe(0);
    expect(r.line).toBe('1 passed, 0 failed');
  }, 60_000);

  it('is what .ci/run prints after npm test', () => {
    const script = readFileSync(join(root, '.ci', 'run'), 'utf8');
    expect(script).toContain('node scripts/ci-count.mjs test-results.json "$rc"');
  });
});
