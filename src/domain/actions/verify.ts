// Confirms an action worked: the token moved forward (or the credential is usable again), status active,
// then one canary request. Polls for a bounded time; a 200 that left the expiry unchanged is a failure.

import type { CredentialState } from '../approvals/fingerprint.js';
import { formatDuration } from '../duration.js';
import { notInTime, pollEnd, verificationDeadline, within } from './budget.js';
import { readTargetState } from './target.js';
import type { ActionDeps, Check, TargetScope, VerificationReport, VerifyOptions } from './types.js';

const later = (a: string | undefined, b: string | undefined) =>
  a !== undefined && (b === undefined || Date.parse(a) > Date.parse(b));

/** Per-credential checks comparing the reading after the action with the one before. */
export function checkCredentials(
  before: readonly CredentialState[],
  after: readonly CredentialState[],
  expect: VerifyOptions['expect'],
  now: number,
): Check[] {
  const byName = new Map(before.map((s) => [s.name, s]));
  const checks: Check[] = [];
  if (after.length === 0) {
    checks.push({
      name: 'credentials',
      ok: false,
      detail: 'no credential left to verify',
      runbook: 'token-stays-expired',
    });
  }
  for (const a of after) {
    const b = byName.get(a.name);
    const active = a.status === 'active' && !a.disabled;
    const unauthorized = a.statusMessage === 'unauthorized' || a.status === 'error';
    checks.push({
      name: `${a.name} status`,
      ok: active,
      detail: active
        ? 'active'
        : `${a.disabled ? 'disabled' : a.status}${a.statusMessage ? ` (${a.statusMessage})` : ''}`,
      runbook: active ? undefined : unauthorized ? 'refresh-stopped-unauthorized' : 'stale-status',
    });
    if (expect === 'fresh-token') {
      const moved = b === undefined || later(a.expiresAt, b.expiresAt) || later(a.lastRefresh, b.lastRefresh);
      checks.push({
        name: `${a.name} token`,
        ok: moved,
        detail: moved
          ? `expiry ${b?.expiresAt ?? 'unknown'} → ${a.expiresAt ?? 'unknown'}, last refresh ${a.lastRefresh ?? 'unknown'}`
          : `expiry unchanged (${a.expiresAt ?? 'unknown'}) and no newer last refresh`,
        runbook: moved ? undefined : 'token-stays-expired',
      });
    } else {
      const valid = a.expiresAt === undefined || Date.parse(a.expiresAt) > now;
      checks.push({
        name: `${a.name} token`,
        ok: valid,
        detail: valid ? `expires ${a.expiresAt ?? 'unknown'}` : `expired at ${a.expiresAt}`,
        runbook: valid ? undefined : 'token-stays-expired',
      });
    }
  }
  return checks;
}

function judged(checks: Check[]): boolean {
  return checks.every((c) => c.ok);
}

export async function verifyAction(
  deps: ActionDeps,
  scope: TargetScope,
  before: readonly CredentialState[],
  options: VerifyOptions,
): Promise<VerificationReport> {
  const started = deps.now();
  // a verification that starts late still polls and sends its canary, within its own minimum
  const due = verificationDeadline(options.deadline, started);
  const deadline = pollEnd(started, options.timeoutMs, due, options.canary);
  const names = new Set(before.map((s) => s.name).filter((n) => !(options.ignore ?? []).includes(n)));
  let after: CredentialState[] = [];
  let checks: Check[] = [];
  for (;;) {
    // with a deadline, a read still unanswered when polling must stop ends the polling
    const read = await within(
      readTargetState(deps.client, scope),
      options.deadline === undefined ? Number.POSITIVE_INFINITY : deadline - deps.now(),
    );
    if (!read.done) {
      checks.push(notInTime('credentials', 'the proxy did not answer the credential read'));
      break;
    }
    const all = read.value;
    // judge the credentials the request was about, plus any that appeared (a re-login may add a file)
    const ignore = new Set(options.ignore ?? []);
    after = all.filter(
      (s) => !ignore.has(s.name) && (names.has(s.name) || !before.some((b) => b.name === s.name)),
    );
    checks = checkCredentials(before, after, options.expect, deps.now());
    if (judged(checks) || deps.now() + options.pollIntervalMs > deadline) break;
    await deps.sleep(options.pollIntervalMs);
  }
  checks.push(await runCanary(deps, due === undefined ? options : { ...options, deadline: due }));
  const failed = checks.find((c) => !c.ok);
  return {
    ok: failed === undefined,
    checks,
    runbook: failed?.runbook,
    after,
    elapsedMs: deps.now() - started,
  };
}

/** One canary request; with a deadline, it gets only the time left before it. */
export async function runCanary(deps: ActionDeps, options: VerifyOptions): Promise<Check> {
  const { clientKey, model } = options.canary;
  if (clientKey === undefined || model === undefined) {
    return {
      name: 'canary',
      ok: true,
      skipped: true,
      detail: 'skipped: set CLIPROXY_CLIENT_KEY and CLIPROXY_CANARY_MODEL to run a canary request',
    };
  }
  const left = options.deadline === undefined ? Number.POSITIVE_INFINITY : options.deadline - deps.now();
  if (left <= 0) return notInTime('canary', 'no time was left to send the canary request');
  const answered = await within(deps.client.canary(clientKey, model), left);
  if (!answered.done)
    return notInTime(
      'canary',
      `the canary request (${model}) got no answer in the ${formatDuration(left)} left`,
    );
  const r = answered.value;
  if (r.skipped !== undefined)
    return { name: 'canary', ok: true, skipped: true, detail: `skipped: ${r.skipped}` };
  const latency = r.latencyMs === undefined ? '' : ` in ${formatDuration(r.latencyMs)}`;
  if (r.ok)
    return {
      name: 'canary',
      ok: true,
      detail: `POST /v1/chat/completions (${model}) answered ${r.status}${latency}`,
    };
  return {
    name: 'canary',
    ok: false,
    detail: `POST /v1/chat/completions (${model}) failed: ${r.failure ?? 'other'}${r.status ? ` (HTTP ${r.status})` : ''}${latency}${r.message ? `: ${r.message.slice(0, 200)}` : ''}`,
    runbook: r.runbook,
  };
}
