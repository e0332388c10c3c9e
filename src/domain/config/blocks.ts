// Which top-level config.yaml keys are "auth/provider blocks" (the ones a rollback shows and verifies),
// and how to read them out of a parsed config. Pure.

import { parse as parseYaml } from 'yaml';
import { AppError } from '../../errors.js';

/** The auth/provider blocks named in the management API notes; any other `*-api-key` list counts too. */
export const AUTH_BLOCK_NAMES: readonly string[] = [
  'api-keys',
  'gemini-api-key',
  'claude-api-key',
  'codex-api-key',
  'vertex-api-key',
  'openai-compatibility',
  'oauth-excluded-models',
  'oauth-model-alias',
  'kiro',
  'proxy-url',
  'routing',
  'quota-exceeded',
  'request-retry',
];

/** The block a rollback never takes from a snapshot: the live one is always carried over. */
export const REMOTE_MANAGEMENT = 'remote-management';

export type ConfigMap = Record<string, unknown>;

export function isAuthBlockName(name: string): boolean {
  return AUTH_BLOCK_NAMES.includes(name) || /-api-keys?$/.test(name);
}

/** Parses config.yaml text into a plain object. Throws AppError('bad_request') when it is not a YAML mapping. */
export function parseConfigYaml(text: string, what = 'config.yaml'): ConfigMap {
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { uniqueKeys: false });
  } catch (err) {
    const first = (err as Error).message.split('\n')[0] ?? 'syntax error';
    throw new AppError('bad_request', `${what} is not valid YAML: ${first.slice(0, 200)}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AppError('bad_request', `${what} is not a YAML mapping.`);
  }
  return parsed as ConfigMap;
}

/** The auth/provider blocks of a parsed config, by name (only the ones present). */
export function extractAuthBlocks(config: ConfigMap): ConfigMap {
  const out: ConfigMap = {};
  for (const [name, value] of Object.entries(config)) if (isAuthBlockName(name)) out[name] = value;
  return out;
}

/** Top-level keys outside the auth/provider blocks (and remote-management) whose values differ. Names only. */
export function changedOtherBlocks(from: ConfigMap, to: ConfigMap): string[] {
  const names = new Set([...Object.keys(from), ...Object.keys(to)]);
  return [...names]
    .filter((n) => !isAuthBlockName(n) && n !== REMOTE_MANAGEMENT)
    .filter((n) => !sameValue(from[n], to[n]))
    .sort();
}

/** Drops empty values (null, "", [], {}) so "absent" and "empty" compare equal, as the server treats them. */
export function normalizeValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalizeValue);
    return items.length === 0 ? undefined : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: ConfigMap = {};
    for (const key of Object.keys(value).sort()) {
      const v = normalizeValue((value as ConfigMap)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (value === null || value === '') return undefined;
  return value;
}

/** Structural equality after normalisation (key order and empty-vs-absent do not matter; list order does). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalizeValue(a)) === JSON.stringify(normalizeValue(b));
}

/** Names of auth/provider blocks whose parsed values differ between two configs. */
export function changedAuthBlocks(from: ConfigMap, to: ConfigMap): string[] {
  const a = extractAuthBlocks(from);
  const b = extractAuthBlocks(to);
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((n) => !sameValue(a[n], b[n])).sort();
}
