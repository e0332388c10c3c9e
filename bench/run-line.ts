// The last line `npm run bench` prints, which CI reads:
// `bench: ack_p50_ms=N ack_p99_ms=N throughput_ratio=N peak_rss_mb=N matcher_p99_us=N`.

/** The figures of the summary line, in the order they are printed (any others follow). */
export const BENCH_KEYS = [
  'ack_p50_ms',
  'ack_p99_ms',
  'throughput_ratio',
  'peak_rss_mb',
  'matcher_p99_us',
] as const;

/** At most two decimals, no exponent, no trailing zeros. */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return 'NaN';
  return String(Math.round(value * 100) / 100);
}

export function benchLine(figures: Record<string, number>): string {
  const known: readonly string[] = BENCH_KEYS;
  const keys = [
    ...BENCH_KEYS.filter((k) => k in figures),
    ...Object.keys(figures).filter((k) => !known.includes(k)),
  ];
  return `bench: ${keys.map((key) => `${key}=${formatFigure(figures[key] as number)}`).join(' ')}`;
}
