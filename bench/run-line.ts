// The last line `npm run bench` prints, which CI reads: `bench: key=value key=value`.

export function benchLine(figures: Record<string, number>): string {
  const pairs = Object.entries(figures).map(([key, value]) => `${key}=${value}`);
  return `bench: ${pairs.join(' ')}`;
}
