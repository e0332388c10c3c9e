import { describe, expect, it } from 'vitest';
import { measureMatcher, PHRASES } from '../../../bench/matcher.js';
import { benchLine } from '../../../bench/run-line.js';

describe('matcher speed', () => {
  it('answers a typical query well under a millisecond', () => {
    const figures = measureMatcher(PHRASES.length * 40, PHRASES.length * 4);
    expect(figures.queries).toBe(PHRASES.length * 40);
    expect(figures.p50_us).toBeGreaterThan(0);
    // generous: the machine is shared; the benchmark reports the real figure
    expect(figures.p50_us).toBeLessThan(1000);
  });

  it('builds the summary line the CI reads', () => {
    expect(benchLine({ matcher_p99_us: 12.5, other_ms: 3 })).toBe('bench: matcher_p99_us=12.5 other_ms=3');
  });
});
