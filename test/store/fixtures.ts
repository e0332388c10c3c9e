// Builders for store test data.
import { createHash, randomUUID } from 'node:crypto';
import type { NewRequest, Snapshot } from '../../src/store/types.js';

export const T0 = 1_767_000_000_000;

export function newRequest(overrides: Partial<NewRequest> = {}): NewRequest {
  return {
    id: `req-${randomUUID()}`,
    action: 'refresh',
    target: 'provider:kiro',
    params: { provider: 'kiro' },
    requester: 'U0REQ',
    channel: 'C0INCIDENT',
    state: 'pending',
    approvalsRequired: 1,
    fingerprint: 'fp-1',
    createdAt: T0,
    expiresAt: T0 + 15 * 60_000,
    ...overrides,
  };
}

export function newSnapshot(content: string, overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    id: `snap-${randomUUID()}`,
    takenAt: T0,
    hash: createHash('sha256').update(content).digest('hex'),
    content,
    reason: 'interval',
    ...overrides,
  };
}
