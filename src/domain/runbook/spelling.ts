// Close-spelling look-up for typos ("refesh", "expierd", "unauthorised"): optimal string alignment
// distance (edits and adjacent swaps), with a letter-set filter so a query stays well under a millisecond.

/** Edits allowed for a word of this length: none under 5 letters, 1 up to 7, 2 from 8. */
export function allowedEdits(length: number): number {
  if (length < 5) return 0;
  return length < 8 ? 1 : 2;
}

function letterMask(word: string): number {
  let mask = 0;
  for (let i = 0; i < word.length; i++) mask |= 1 << (word.charCodeAt(i) % 31);
  return mask;
}

function popcount(n: number): number {
  let v = n - ((n >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Optimal string alignment distance, or max + 1 once it is certain to exceed max. */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

interface Entry {
  word: string;
  mask: number;
}

/** The known words, bucketed by length, that typos are corrected towards. */
export class SpellingIndex {
  private readonly byLength = new Map<number, Entry[]>();

  constructor(words: Iterable<string>) {
    for (const word of new Set(words)) {
      if (word.length < 4) continue;
      const bucket = this.byLength.get(word.length) ?? [];
      bucket.push({ word, mask: letterMask(word) });
      this.byLength.set(word.length, bucket);
    }
    for (const bucket of this.byLength.values()) bucket.sort((x, y) => (x.word < y.word ? -1 : 1));
  }

  /** The closest known word within the allowed edits (ties: the alphabetically first), else undefined. */
  correct(word: string): string | undefined {
    const max = allowedEdits(word.length);
    if (max === 0) return undefined;
    const mask = letterMask(word);
    let found: string | undefined;
    let foundDistance = max + 1;
    for (let len = word.length - max; len <= word.length + max; len++) {
      for (const entry of this.byLength.get(len) ?? []) {
        if (popcount(mask ^ entry.mask) > 2 * max) continue;
        const d = boundedDistance(word, entry.word, Math.min(max, foundDistance));
        if (d < foundDistance || (d === foundDistance && found !== undefined && entry.word < found)) {
          if (d <= max) {
            found = entry.word;
            foundDistance = d;
          }
        }
      }
    }
    return found;
  }
}
