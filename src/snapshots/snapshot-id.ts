// Snapshot ids people can type: `YYYYMMDD-HHMMSS-xxxx` (UTC time taken, 4 random hex).
import { randomBytes } from 'node:crypto';

export const SNAPSHOT_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-f]{4}$/;

export function newSnapshotId(
  at: number,
  random: () => string = () => randomBytes(2).toString('hex'),
): string {
  const iso = new Date(at).toISOString(); // 2026-08-29T10:15:00.000Z
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  return `${stamp}-${random()}`;
}

export function isSnapshotId(text: string): boolean {
  return SNAPSHOT_ID_PATTERN.test(text);
}

/** RFC 3339 UTC without milliseconds, as the CLI's --json prints times. */
export function formatTakenAt(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
