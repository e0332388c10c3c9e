// `npm run bench`: prints each benchmark's figures, then (last) the summary line from benchLine().
// To add a figure: measure it here and add it to `summary`.
import { measureMatcher } from './matcher.js';
import { benchLine } from './run-line.js';

const matcher = measureMatcher();
console.log(`matcher: ${matcher.queries} queries, p50 ${matcher.p50_us} µs, p99 ${matcher.p99_us} µs`);

const summary: Record<string, number> = { matcher_p99_us: matcher.p99_us };
console.log(benchLine(summary));
