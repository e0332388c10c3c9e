// How /auth-why does on real symptom reports: a TSV of `expected-row-id<TAB>query<TAB>source-url` lines
// (collected from public issues; kept outside the repo because they are other people's words) run through
// the matcher with the bundled runbook. `top1` counts reports whose expected row ranks first, `top3` in the
// first three. Run on its own to see the misses: `npx tsx bench/why-realworld.ts [FILE] [--odd|--even]`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledRunbookPath, loadRunbookFile } from '../src/domain/runbook/load.js';
import { matchRunbook } from '../src/domain/runbook/match.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RELATIVE = join('shared', 'design', 'why-realworld-dev.tsv');

/**
 * The dev set: WHY_REALWORLD_DEV_SET if set, else ../shared/design/why-realworld-dev.tsv from the
 * repository root (where CI keeps it), else the same folder beside a parent (a git worktree's checkout).
 */
export function realWorldDevSet(): string {
  if (process.env.WHY_REALWORLD_DEV_SET) return process.env.WHY_REALWORLD_DEV_SET;
  const candidates = [resolve(ROOT, '..', RELATIVE), resolve(ROOT, '..', '..', RELATIVE)];
  return candidates.find((c) => existsSync(c)) ?? (candidates[0] as string);
}

export interface Report {
  line: number;
  expected: string;
  query: string;
}

export interface RealWorldFigures {
  n: number;
  top1: number;
  top3: number;
  misses: { report: Report; got: string[] }[];
}

/** The file's reports (comment and blank lines skipped), or undefined when the file is absent. */
export function readReports(path = realWorldDevSet()): Report[] | undefined {
  if (!existsSync(path)) return undefined;
  const reports: Report[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      if (raw.trim() === '' || raw.startsWith('#')) return;
      const [expected, query] = raw.split('\t');
      if (expected && query) reports.push({ line: i + 1, expected: expected.trim(), query });
    });
  return reports;
}

const pct = (k: number, n: number) => (n === 0 ? 0 : Math.round((1000 * k) / n) / 10);

export function scoreReports(reports: Report[]): RealWorldFigures {
  const runbook = loadRunbookFile(bundledRunbookPath());
  let first = 0;
  let three = 0;
  const misses: RealWorldFigures['misses'] = [];
  for (const report of reports) {
    const got = matchRunbook(runbook, report.query).matches.map((m) => m.row.id);
    if (got[0] === report.expected) first++;
    if (got.slice(0, 3).includes(report.expected)) three++;
    if (got[0] !== report.expected) misses.push({ report, got: got.slice(0, 3) });
  }
  return { n: reports.length, top1: pct(first, reports.length), top3: pct(three, reports.length), misses };
}

/** The bench's line: `why-realworld: n=49 top1=N% top3=N%`, or why there is none. */
export function realWorldLine(path = realWorldDevSet()): string {
  const reports = readReports(path);
  if (reports === undefined) return `why-realworld: dev set not found at ${path} (skipped)`;
  const f = scoreReports(reports);
  return `why-realworld: n=${f.n} top1=${f.top1}% top3=${f.top3}%`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--')) ?? realWorldDevSet();
  const all = readReports(file);
  if (all === undefined) {
    console.log(`no dev set at ${file}`);
    process.exit(1);
  }
  const half = args.includes('--odd') ? 1 : args.includes('--even') ? 0 : undefined;
  const reports = half === undefined ? all : all.filter((_, i) => i % 2 === 1 - half);
  const f = scoreReports(reports);
  for (const m of f.misses)
    console.log(
      `L${m.report.line} want ${m.report.expected} got [${m.got.join(', ')}] :: ${m.report.query.slice(0, 110)}`,
    );
  console.log(`n=${f.n} top1=${f.top1}% top3=${f.top3}%`);
}
