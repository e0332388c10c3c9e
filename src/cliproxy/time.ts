// Expiry and refresh times as the proxy's files write them: RFC 3339 strings, epoch seconds or milliseconds.

/** Normalises a time value to RFC 3339 UTC (no milliseconds when they are zero); undefined when unusable. */
export function toRfc3339(value: unknown): string | undefined {
  let ms: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) ms = epochToMs(value);
  else if (typeof value === 'string' && value.trim() !== '') {
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) ms = epochToMs(Number(text));
    else {
      const parsed = Date.parse(text);
      ms = Number.isNaN(parsed) ? undefined : parsed;
    }
  }
  // Go's zero time (year 1) and epoch 0 mean "not set"
  if (ms === undefined || ms <= 0) return undefined;
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toISOString().replace('.000Z', 'Z');
}

/** Numbers below 10^12 are epoch seconds (until the year 33658), larger ones milliseconds. */
function epochToMs(n: number): number | undefined {
  if (n <= 0) return undefined;
  return n < 1e12 ? n * 1000 : n;
}
