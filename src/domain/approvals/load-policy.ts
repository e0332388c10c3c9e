// Reads and validates the policy file at start-up. Errors name AUTHBOT_POLICY_FILE, the bad key and its line.
import { readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { AppError } from '../../errors.js';
import { buildPolicy, type Policy, policySchema, unconfiguredPolicy } from './policy.js';

export interface LoadPolicyOptions {
  /** True when AUTHBOT_POLICY_FILE was set: a missing file is then an error, not "no approvers". */
  explicit: boolean;
}

function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: PropertyKey[]) {
  let node: unknown = doc.contents;
  let found: Node | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value) === String(key));
      if (!pair) break;
      found = (pair.key as Node) ?? found;
      node = pair.value;
      if (node && typeof node === 'object' && 'range' in (node as object)) found = node as Node;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (node && typeof node === 'object' && 'range' in (node as object)) found = node as Node;
    } else break;
  }
  const offset = found?.range?.[0];
  return offset === undefined ? undefined : counter.linePos(offset).line;
}

function badConfig(path: string, problems: string[]): AppError {
  return new AppError('bad_config', `AUTHBOT_POLICY_FILE (${path}) is invalid: ${problems.join('; ')}`, {
    hint: 'Fix the policy file (see policy.example.yml) or unset AUTHBOT_POLICY_FILE.',
    details: { problems },
  });
}

/** Parses policy YAML text; throws AppError('bad_config') naming each bad key (and its line). */
export function parsePolicy(text: string, path: string): Policy {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = first.linePos?.[0]?.line;
    throw badConfig(path, [`YAML syntax error${line ? ` at line ${line}` : ''}: ${first.code}`]);
  }
  const raw: unknown = doc.toJS() ?? {};
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
      const key = keys.map(String).join('.') || '(top level)';
      const line = lineOf(doc, counter, keys);
      const message = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
      return `${key}${line ? ` (line ${line})` : ''}: ${message}`;
    });
    throw badConfig(path, problems);
  }
  return buildPolicy(parsed.data, path);
}

/**
 * Loads the policy. Default file absent: a policy with no approvers (mutations refused with a hint).
 * Explicit file missing or invalid, or any file invalid: AppError('bad_config') (the caller exits 2).
 */
export async function loadPolicy(path: string, options: LoadPolicyOptions): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !options.explicit) return unconfiguredPolicy();
    throw new AppError('bad_config', `AUTHBOT_POLICY_FILE (${path}) cannot be read: ${code ?? 'error'}`, {
      hint: 'Point AUTHBOT_POLICY_FILE at an existing policy file (copy policy.example.yml), or unset it.',
      cause: err,
    });
  }
  return parsePolicy(text, path);
}
