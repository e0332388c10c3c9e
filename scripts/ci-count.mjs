// Reads vitest's JSON report and prints the plain line "N passed, N failed" that ends `.ci/run`.
// Failed counts every failed test plus every test file that failed without a failed test of its own
// (it did not load, or a beforeAll threw): vitest reports those only as failed suites. A run whose exit
// code says it failed never prints "0 failed".
// Usage: node scripts/ci-count.mjs <test-results.json> <vitest exit code>
import { readFileSync } from 'node:fs';

export function countResults(report, exitCode) {
  const brokenFiles = (report.testResults ?? []).filter(
    (file) =>
      file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
  ).length;
  let failed = (report.numFailedTests ?? 0) + brokenFiles;
  if (failed === 0 && (exitCode !== 0 || report.success === false)) failed = 1;
  return { passed: report.numPassedTests ?? 0, failed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, code] = process.argv.slice(2);
  let line;
  try {
    const { passed, failed } = countResults(JSON.parse(readFileSync(file, 'utf8')), Number(code ?? 0));
    line = `${passed} passed, ${failed} failed`;
  } catch (err) {
    console.error(`CI: cannot read ${file}: ${err.message}`);
    line = '0 passed, 1 failed';
  }
  console.log(line);
}
