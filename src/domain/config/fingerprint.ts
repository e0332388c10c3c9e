// The staleness fingerprint of a rollback's target: a hash of the live config's auth/provider blocks
// (normalised), so a change to them between request and approval makes the request stale.
import { createHash } from 'node:crypto';
import { type ConfigMap, extractAuthBlocks, normalizeValue, parseConfigYaml } from './blocks.js';

export function fingerprintAuthBlocks(config: ConfigMap): string {
  const canonical = JSON.stringify(normalizeValue(extractAuthBlocks(config)) ?? {});
  return `cfg1:${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}

export function fingerprintConfigYaml(yaml: string): string {
  return fingerprintAuthBlocks(parseConfigYaml(yaml));
}

/** sha256 of the exact file content (what the store dedupes snapshots on). */
export function hashContent(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}
