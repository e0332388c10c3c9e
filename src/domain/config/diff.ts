// Structural diff of the auth/provider blocks: YAML parsed, per block, per list item (entries matched by
// `name` / `api-key` / `base-url` when those identify them, else by position). Values are masked before
// they are compared, so no diff ever carries a secret. Pure.

import type { Fingerprint } from '../redact.js';
import { type ConfigMap, extractAuthBlocks, normalizeValue, sameValue } from './blocks.js';
import { maskBlock } from './mask.js';

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One changed value. `before` / `after` are masked. */
export interface ValueChange {
  path: string;
  kind: ChangeKind;
  before?: unknown;
  after?: unknown;
}

export interface BlockDiff {
  block: string;
  kind: ChangeKind;
  changes: ValueChange[];
}

const ID_KEYS = ['name', 'api-key', 'base-url', 'prefix'];

const isMap = (v: unknown): v is ConfigMap => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || typeof v !== 'object';

function idOf(item: unknown): string | undefined {
  if (!isMap(item)) return undefined;
  for (const key of ID_KEYS) {
    const v = item[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/** Ids for every item when each item has one and they are unique; otherwise undefined (match by position). */
function idsOf(items: unknown[]): string[] | undefined {
  const ids = items.map(idOf);
  if (ids.some((id) => id === undefined)) return undefined;
  return new Set(ids).size === ids.length ? (ids as string[]) : undefined;
}

function change(path: string, before: unknown, after: unknown): ValueChange {
  if (before === undefined) return { path, kind: 'added', after };
  if (after === undefined) return { path, kind: 'removed', before };
  return { path, kind: 'changed', before, after };
}

function diffScalarLists(path: string, a: unknown[], b: unknown[], out: ValueChange[]): void {
  const key = (v: unknown) => JSON.stringify(v);
  const inA = new Set(a.map(key));
  const inB = new Set(b.map(key));
  const before = out.length;
  for (const item of a)
    if (!inB.has(key(item))) out.push({ path: `${path}[${String(item)}]`, kind: 'removed' });
  for (const item of b)
    if (!inA.has(key(item))) out.push({ path: `${path}[${String(item)}]`, kind: 'added' });
  if (out.length === before) out.push({ path, kind: 'changed', before: a, after: b }); // order or duplicates
}

function diffLists(path: string, a: unknown[], b: unknown[], out: ValueChange[]): void {
  if (a.every(isScalar) && b.every(isScalar)) {
    diffScalarLists(path, a, b, out);
    return;
  }
  const idsA = idsOf(a);
  const idsB = idsOf(b);
  if (idsA && idsB) {
    const byA = new Map(idsA.map((id, i) => [id, a[i]]));
    const byB = new Map(idsB.map((id, i) => [id, b[i]]));
    for (const id of new Set([...idsA, ...idsB])) diffValues(`${path}[${id}]`, byA.get(id), byB.get(id), out);
    return;
  }
  for (let i = 0; i < Math.max(a.length, b.length); i++) diffValues(`${path}[${i}]`, a[i], b[i], out);
}

function diffValues(path: string, a: unknown, b: unknown, out: ValueChange[]): void {
  if (sameValue(a, b)) return;
  const na = normalizeValue(a);
  const nb = normalizeValue(b);
  if (na === undefined || nb === undefined) {
    // a whole list or map added or removed: show it item by item (one line each, easier to read and to cut)
    const present = na ?? nb;
    if (Array.isArray(present) && !present.every(isScalar)) {
      diffLists(
        path,
        na === undefined ? [] : (na as unknown[]),
        nb === undefined ? [] : (nb as unknown[]),
        out,
      );
      return;
    }
    if (Array.isArray(present)) {
      diffScalarLists(path, (na ?? []) as unknown[], (nb ?? []) as unknown[], out);
      return;
    }
    out.push(change(path, na, nb));
    return;
  }
  if (Array.isArray(na) && Array.isArray(nb)) {
    diffLists(path, na, nb, out);
    return;
  }
  if (isMap(na) && isMap(nb)) {
    for (const key of [...new Set([...Object.keys(na), ...Object.keys(nb)])].sort())
      diffValues(`${path}.${key}`, na[key], nb[key], out);
    return;
  }
  out.push(change(path, na, nb));
}

/**
 * What changes in the auth/provider blocks when the config goes from `from` to `to` (for a rollback:
 * from the live config to the snapshot). Blocks sorted by name; every value masked.
 */
export function diffConfigBlocks(from: ConfigMap, to: ConfigMap, fp: Fingerprint): BlockDiff[] {
  const a = extractAuthBlocks(from);
  const b = extractAuthBlocks(to);
  const out: BlockDiff[] = [];
  for (const block of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (sameValue(a[block], b[block])) continue;
    const changes: ValueChange[] = [];
    const before = normalizeValue(maskBlock(block, a[block], fp));
    const after = normalizeValue(maskBlock(block, b[block], fp));
    diffValues(block, before, after, changes);
    const kind: ChangeKind = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    out.push({ block, kind, changes });
  }
  return out;
}

function show(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value ?? null);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One line per change: `+ path: value`, `- path: value`, `~ path: before → after`. */
export function formatChange(c: ValueChange): string {
  if (c.kind === 'added') return c.after === undefined ? `+ ${c.path}` : `+ ${c.path}: ${show(c.after)}`;
  if (c.kind === 'removed') return c.before === undefined ? `- ${c.path}` : `- ${c.path}: ${show(c.before)}`;
  return `~ ${c.path}: ${show(c.before, 80)} → ${show(c.after, 80)}`;
}

/** The whole diff as text lines (block headers then changes), for chat, logs-free CLI output and tests. */
export function formatBlockDiffs(diffs: readonly BlockDiff[]): string[] {
  const lines: string[] = [];
  for (const d of diffs) {
    lines.push(`${d.block} (${d.kind})`);
    for (const c of d.changes) lines.push(`  ${formatChange(c)}`);
  }
  return lines;
}
