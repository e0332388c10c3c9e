// The staleness fingerprint of a rollback's target: a hash of the whole live config (normalised), except
// remote-management (the rollback keeps the live block, and the server rewrites its key as a bcrypt hash),
// so any change between request and execution (an auth block, `ws-auth`, any setting) makes it stale:
// approvers approved replacing the config they were shown, not one changed since.
import { createHash } from 'node:crypto';
import {
  type ConfigMap,
  extractAuthBlocks,
  normalizeValue,
  parseConfigYaml,
  REMOTE_MANAGEMENT,
} from './blocks.js';

export function fingerprintConfig(config: ConfigMap): string {
  const { [REMOTE_MANAGEMENT]: _kept, ...rest } = config;
  const canonical = JSON.stringify(normalizeValue(rest) ?? {});
  return `cfg2:${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}

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
