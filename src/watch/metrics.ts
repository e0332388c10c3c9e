// The watch's Prometheus metrics, on the bot's registry: polls by outcome and duration, firing alerts per
// condition, alert transitions.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { CONDITIONS } from '../domain/watch/conditions.js';
import type { WatchMetrics } from './watcher.js';

export function createWatchMetrics(registry: Registry): WatchMetrics {
  const polls = new Counter({
    name: 'authbot_watch_polls_total',
    help: 'Credential-watch polls, by outcome (ok, proxy_error, not_leader, lost_lease, error)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'authbot_watch_poll_duration_seconds',
    help: 'Time of one credential-watch poll (read, evaluate, save), leader polls only',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const firing = new Gauge({
    name: 'authbot_alerts_firing',
    help: 'Watch alerts firing now, by condition',
    labelNames: ['condition'],
    registers: [registry],
  });
  const transitions = new Counter({
    name: 'authbot_alert_transitions_total',
    help: 'Watch alert transitions, by condition and the state or step reached (fire, resolve, update, repeat)',
    labelNames: ['condition', 'to'],
    registers: [registry],
  });
  return {
    poll(outcome, seconds) {
      polls.inc({ outcome });
      if (outcome === 'ok' || outcome === 'proxy_error') duration.observe(seconds);
    },
    firing(byCondition) {
      for (const condition of Object.keys(CONDITIONS))
        firing.set({ condition }, byCondition.get(condition) ?? 0);
    },
    transition(condition, to) {
      transitions.inc({ condition, to });
    },
  };
}
