// Maps a zod issue path (["rows", 3, "action"]) to the line in the YAML source where that field is, so
// a validation error says "line 42, rows[3].action" instead of a bare path.
import { type Document, isNode, type LineCounter } from 'yaml';

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out || '(top level)';
}

/** The line of the deepest node on the path that exists (a missing field points at its parent). */
export function lineOfPath(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const keys = path.slice(0, depth) as (string | number)[];
    const node = depth === 0 ? doc.contents : doc.getIn(keys, true);
    if (!isNode(node) || node.range == null) continue;
    return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
