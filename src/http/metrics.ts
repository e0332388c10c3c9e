// Prometheus metrics (prom-client), one registry per bot instance so tests can run several side by side.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  /** A slash command or button was handled; outcome: ok | refused | error. */
  command(name: string, outcome: string): void;
  /** An approval request reached a state. */
  requestState(action: string, state: string): void;
  execution(action: string, outcome: string): void;
  verification(action: string, outcome: string): void;
  proxyCall(route: string, status: string, seconds: number): void;
  slackError(method: string, error: string): void;
  slackRateLimited(method: string): void;
  /** An /auth-status answer went out, from a recent read (in the ack) or after reading the proxy. */
  statusAnswer(source: string): void;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'authbot_' });
  const commands = new Counter({
    name: 'authbot_commands_total',
    help: 'Slash commands and button clicks handled, by name and outcome',
    labelNames: ['name', 'outcome'],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'authbot_requests_total',
    help: 'Approval requests reaching a state, by action and state',
    labelNames: ['action', 'state'],
    registers: [registry],
  });
  const executions = new Counter({
    name: 'authbot_executions_total',
    help: 'Executions of approved actions, by action and outcome',
    labelNames: ['action', 'outcome'],
    registers: [registry],
  });
  const verifications = new Counter({
    name: 'authbot_verifications_total',
    help: 'Verification results after actions, by action and outcome',
    labelNames: ['action', 'outcome'],
    registers: [registry],
  });
  const proxyCalls = new Histogram({
    name: 'authbot_proxy_call_duration_seconds',
    help: 'CLIProxyAPI management API call latency, by route and status',
    labelNames: ['route', 'status'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const slackErrors = new Counter({
    name: 'authbot_slack_api_errors_total',
    help: 'Slack Web API errors, by method and error',
    labelNames: ['method', 'error'],
    registers: [registry],
  });
  const slackRateLimits = new Counter({
    name: 'authbot_slack_rate_limited_total',
    help: 'Slack Web API rate-limit (429) answers, by method',
    labelNames: ['method'],
    registers: [registry],
  });
  const statusAnswers = new Counter({
    name: 'authbot_status_answers_total',
    help: '/auth-status answers, by source: recent_read (in the acknowledgement) or proxy_read',
    labelNames: ['source'],
    registers: [registry],
  });
  return {
    registry,
    command: (name, outcome) => commands.inc({ name, outcome }),
    requestState: (action, state) => requests.inc({ action, state }),
    execution: (action, outcome) => executions.inc({ action, outcome }),
    verification: (action, outcome) => verifications.inc({ action, outcome }),
    proxyCall: (route, status, seconds) => proxyCalls.observe({ route, status }, seconds),
    slackError: (method, error) => slackErrors.inc({ method, error }),
    slackRateLimited: (method) => slackRateLimits.inc({ method }),
    statusAnswer: (source) => statusAnswers.inc({ source }),
  };
}
