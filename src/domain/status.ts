// Health of each credential, from the auth-files list and the token summaries. Pure: takes `now`.
import type { AuthFile, ServerInfo, TokenSummary } from '../cliproxy/types.js';
import { credentialConditions, DEFAULT_STALE_COOLDOWN_MS, describeState } from './credential-state.js';

export const EXPIRING_WITHIN_MS = 10 * 60_000;

export type ProblemCode =
  | 'expired'
  | 'expiring'
  | 'no_refresh_token'
  | 'kiro_client_incomplete'
  | 'refresh_stopped_unauthorized'
  | 'status_error'
  | 'disabled'
  | 'unavailable'
  | 'token_unreadable'
  | 'cooldown'
  | 'stale-cooldown'
  | 'suspended';

export interface Problem {
  code: ProblemCode;
  /** One line for people: "expired: token expired at 2026-05-01T10:00:00Z". */
  text: string;
  runbook: string[];
  /** The approval-gated action that fixes it (reset-cooldown), if there is one. */
  action?: string | undefined;
}

export interface CredentialStatus {
  name: string;
  provider: string;
  status: string;
  disabled: boolean;
  expiresAt: string | undefined;
  lastRefresh: string | undefined;
  hasRefreshToken: boolean | undefined; // undefined: token file not read
  problems: Problem[];
  runbook: string[];
  authIndex?: string | undefined;
  statusMessage?: string | undefined;
  unavailable?: boolean;
  nextRetryAfter?: string | undefined;
  /** The status and its message in words ("quota exhausted — retry after 14:05 UTC, in 2 h"). */
  stateText?: string;
}

/** How credentials are judged beyond `now` (AUTHBOT_WATCH_STALE_COOLDOWN). */
export interface AssessOptions {
  staleCooldownMs?: number;
}

export interface StatusReport {
  server: ServerInfo;
  credentials: CredentialStatus[];
}

/** A token that could not be read: the reason, never its content. */
export interface TokenUnreadable {
  error: string;
}

const problem = (code: ProblemCode, detail: string, runbook: string[] = []): Problem => ({
  code,
  text: `${code.replace(/_/g, ' ')}: ${detail}`,
  runbook,
});

function expiryProblems(expiresAt: string | undefined, now: number): Problem[] {
  if (!expiresAt) return [];
  const left = Date.parse(expiresAt) - now;
  if (left <= 0) return [problem('expired', `token expired at ${expiresAt}`, ['token-stays-expired'])];
  if (left <= EXPIRING_WITHIN_MS) {
    const min = Math.max(1, Math.round(left / 60_000));
    return [problem('expiring', `token expires in ${min} min (${expiresAt})`, ['token-stays-expired'])];
  }
  return [];
}

function kiroProblems(provider: string, t: TokenSummary): Problem[] {
  if (provider !== 'kiro' && t.type !== 'kiro') return [];
  const method = t.authMethod;
  const needed =
    method === 'idc'
      ? { client_id: t.hasClientId, client_secret: t.hasClientSecret, region: t.region !== undefined }
      : method === 'builder-id'
        ? { client_id: t.hasClientId, client_secret: t.hasClientSecret }
        : {};
  const missing = Object.entries(needed)
    .filter(([, present]) => !present)
    .map(([k]) => k);
  if (missing.length === 0) return [];
  const label = method === 'idc' ? 'Kiro IDC' : 'Kiro Builder-ID';
  return [
    problem('kiro_client_incomplete', `${label} token lacks ${missing.join(', ')}`, ['kiro-idc-refresh']),
  ];
}

/** Assesses one credential. `token` is undefined for runtime-only credentials (no file). */
export function assessCredential(
  file: AuthFile,
  token: TokenSummary | TokenUnreadable | undefined,
  now: number,
  options: AssessOptions = {},
): CredentialStatus {
  const problems: Problem[] = [];
  const summary = token && 'name' in token ? token : undefined;
  const judge = { now, staleCooldownMs: options.staleCooldownMs ?? DEFAULT_STALE_COOLDOWN_MS };
  const conditions = credentialConditions(file, judge);
  if (file.disabled) problems.push(problem('disabled', 'credential is disabled', ['auth-unavailable']));
  // cooldown, stale cooldown and suspension say more than "status error" / "unavailable"
  for (const c of conditions)
    problems.push({
      code: c.condition,
      text: `${c.condition}: ${c.text}`,
      runbook: [c.runbook],
      action: c.action,
    });
  if (conditions.length === 0 && file.status === 'error') {
    if (file.statusMessage?.toLowerCase() === 'unauthorized') {
      problems.push(
        problem(
          'refresh_stopped_unauthorized',
          'status error / unauthorized: the proxy stopped refreshing it',
          ['refresh-stopped-unauthorized'],
        ),
      );
    } else {
      problems.push(
        problem('status_error', `status error: ${file.statusMessage || 'no message'}`, [
          cooldownRow(file.statusMessage),
        ]),
      );
    }
  }
  if (conditions.length === 0 && file.unavailable && !file.disabled && file.status !== 'error') {
    const until = file.nextRetryAfter ? ` until ${file.nextRetryAfter}` : '';
    const why = file.statusMessage ? ` (${file.statusMessage})` : '';
    problems.push(
      problem('unavailable', `the proxy is not using it${until}${why}`, [cooldownRow(file.statusMessage)]),
    );
  }
  if (token && !summary) problems.push(problem('token_unreadable', (token as TokenUnreadable).error));
  if (summary) {
    problems.push(...expiryProblems(summary.expiresAt, now));
    if (!summary.hasRefreshToken) {
      const iflow = file.provider === 'iflow' || summary.type === 'iflow';
      problems.push(
        problem('no_refresh_token', 'token file has no refresh_token', [
          iflow ? 'iflow-refresh-failed' : 'token-stays-expired',
        ]),
      );
    }
    problems.push(...kiroProblems(file.provider, summary));
  }
  const runbook = [...new Set(problems.flatMap((p) => p.runbook))];
  const lastRefresh = latest(file.lastRefresh, summary?.lastRefresh);
  return {
    name: file.name,
    provider: file.provider,
    status: file.status,
    disabled: file.disabled,
    expiresAt: summary?.expiresAt,
    lastRefresh,
    hasRefreshToken: summary?.hasRefreshToken,
    problems,
    runbook,
    authIndex: file.authIndex,
    statusMessage: file.statusMessage,
    unavailable: file.unavailable,
    nextRetryAfter: file.nextRetryAfter,
    stateText: describeState(file, judge),
  };
}

/** Quota / rate limits put a credential in cooldown (model-cooldown); anything else takes it out of use. */
function cooldownRow(statusMessage: string | undefined): string {
  return /quota|cool|rate|429/i.test(statusMessage ?? '') ? 'model-cooldown' : 'auth-unavailable';
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

export function buildStatusReport(
  server: ServerInfo,
  files: AuthFile[],
  tokens: ReadonlyMap<string, TokenSummary | TokenUnreadable>,
  now: number,
  options: AssessOptions = {},
): StatusReport {
  return { server, credentials: files.map((f) => assessCredential(f, tokens.get(f.name), now, options)) };
}

/** Healthy: the server answered without error and no credential has a problem. */
export function isHealthy(report: StatusReport): boolean {
  return (
    report.server.reachable &&
    !report.server.error &&
    report.credentials.every((c) => c.problems.length === 0)
  );
}

/** The fixed `auth-bot status --json` shape (product.md). */
export function toStatusJson(report: StatusReport): Record<string, unknown> {
  const { server } = report;
  return {
    server: {
      url: server.url,
      reachable: server.reachable,
      version: server.version ?? null,
      ...(server.error
        ? {
            error: {
              code: server.error.code,
              message: server.error.message,
              runbook: server.error.runbook ?? null,
              hint: server.error.hint ?? null,
            },
          }
        : {}),
    },
    credentials: report.credentials.map((c) => ({
      name: c.name,
      provider: c.provider,
      status: c.status,
      disabled: c.disabled,
      expires_at: c.expiresAt ?? null,
      last_refresh: c.lastRefresh ?? null,
      has_refresh_token: c.hasRefreshToken ?? null,
      problems: c.problems.map((p) => p.text),
      runbook: c.runbook,
      auth_index: c.authIndex ?? null,
      status_message: c.statusMessage ?? null,
      unavailable: c.unavailable ?? false,
      next_retry_after: c.nextRetryAfter ?? null,
    })),
  };
}
