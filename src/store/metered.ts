// A Store that reports request life-cycle metrics as the engine moves requests: every state reached,
// every execution outcome, every verification result. One place, so no handler has to remember to count.
import type { Metrics } from '../http/metrics.js';
import type { ApprovalRequest, RequestState, Store } from './types.js';

const FINAL_AFTER_RUN: readonly RequestState[] = ['verified', 'failed', 'interrupted'];

function observeTransition(
  metrics: Metrics,
  from: readonly RequestState[],
  moved: ApprovalRequest | null,
): void {
  if (!moved) return;
  metrics.requestState(moved.action, moved.state);
  if (moved.state === 'running') metrics.execution(moved.action, 'started');
  if (from.includes('running') && FINAL_AFTER_RUN.includes(moved.state)) {
    metrics.execution(moved.action, moved.state);
    if (moved.state === 'verified') metrics.verification(moved.action, 'passed');
    if (moved.state === 'failed' && moved.result?.verification === true)
      metrics.verification(moved.action, 'failed');
  }
}

export function meterStore(store: Store, metrics: Metrics): Store {
  const metered: Partial<Store> = {
    async createRequest(request) {
      const created = await store.createRequest(request);
      metrics.requestState(created.action, created.state);
      return created;
    },
    async transition(id, from, to, now, patch) {
      const moved = await store.transition(id, from, to, now, patch);
      observeTransition(metrics, from, moved);
      return moved;
    },
    async approveRequest(id, now, decidedBy) {
      const approved = await store.approveRequest(id, now, decidedBy);
      observeTransition(metrics, ['pending'], approved);
      return approved;
    },
    async denyRequest(vote) {
      const denied = await store.denyRequest(vote);
      observeTransition(metrics, ['pending'], denied);
      return denied;
    },
    async expireDue(now) {
      const expired = await store.expireDue(now);
      for (const r of expired) metrics.requestState(r.action, r.state);
      return expired;
    },
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop in metered) return metered[prop as keyof Store];
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
