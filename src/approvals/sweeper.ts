// Expires pending requests on time even if nobody clicks: one replica at a time (a store lease).
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import type { ApprovalEngine } from './engine.js';

export interface SweeperOptions {
  engine: Pick<ApprovalEngine, 'sweepExpired'>;
  store: Pick<Store, 'tryLease'>;
  owner: string;
  intervalMs: number;
  now: () => number;
  logger: Logger;
}

/** Runs sweepExpired every intervalMs; returns a stop function that waits for a sweep in progress. */
export function startSweeper(options: SweeperOptions): () => Promise<void> {
  let running: Promise<void> | undefined;
  const tick = async () => {
    try {
      if (!(await options.store.tryLease('approvals.expiry-sweep', options.owner, options.intervalMs * 3)))
        return;
      const n = await options.engine.sweepExpired(options.now());
      if (n > 0) options.logger.info({ expired: n }, 'expired pending requests');
    } catch (err) {
      options.logger.error({ err }, 'expiry sweep failed');
    }
  };
  const timer = setInterval(() => {
    if (!running) running = tick().finally(() => (running = undefined));
  }, options.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
