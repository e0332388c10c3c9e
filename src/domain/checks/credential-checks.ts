// Checks confirmed by reading the credentials (list + token summaries) through the management API.
import { gatherStatus } from '../../cliproxy/gather-status.js';
import type { CredentialStatus, ProblemCode, StatusReport } from '../status.js';
import { canaryCheck } from './canary-checks.js';
import type { CheckDeps, CheckFn } from './types.js';

type Outcome = Awaited<ReturnType<CheckFn>>;

async function readReport(deps: CheckDeps): Promise<StatusReport | Outcome> {
  const report = await gatherStatus(deps.proxy, { now: deps.now });
  const e = report.server.error;
  if (!e) return report;
  return {
    confirmed: null,
    failed: true,
    summary: `Could not read the credentials: ${e.message}`,
    findings: [`${e.code}${e.runbook ? ` (runbook: ${e.runbook})` : ''}${e.hint ? `: ${e.hint}` : ''}`],
  };
}

const isOutcome = (v: StatusReport | Outcome): v is Outcome => 'confirmed' in v;

/** A check that confirms when some credential (optionally of one provider) has one of `codes`. */
function problemCheck(codes: ProblemCode[], present: string, absent: string, provider?: string): CheckFn {
  return async (deps) => {
    const report = await readReport(deps);
    if (isOutcome(report)) return report;
    const scope = report.credentials.filter((c) => !provider || c.provider === provider);
    if (provider && scope.length === 0) {
      return {
        confirmed: false,
        summary: `Not confirmed: there are no ${provider} credentials.`,
        findings: [],
      };
    }
    const hits = scope.flatMap((c) =>
      c.problems.filter((p) => codes.includes(p.code)).map((p) => `${c.name}: ${p.text}`),
    );
    if (hits.length > 0) return { confirmed: true, summary: `Confirmed: ${present}`, findings: hits };
    return {
      confirmed: false,
      summary: `Not confirmed: ${absent}`,
      findings: [`${scope.length} credential(s) checked`],
    };
  };
}

export const checkTokenStaysExpired = problemCheck(
  ['expired'],
  "at least one credential's token is past its expiry.",
  'no credential is past its expiry.',
);

export const checkIflowRefreshFailed = problemCheck(
  ['expired', 'no_refresh_token', 'status_error', 'refresh_stopped_unauthorized'],
  'an iFlow credential is expired, has no refresh token or is in error.',
  'every iFlow credential has a refresh token, a future expiry and no error.',
  'iflow',
);

export const checkKiroIdcRefresh = problemCheck(
  ['kiro_client_incomplete'],
  'a Kiro IDC / Builder-ID token lacks client_id, client_secret or region, which its refresh needs.',
  'every Kiro IDC token has client_id, client_secret and region.',
  'kiro',
);

export const checkRefreshStoppedUnauthorized = problemCheck(
  ['refresh_stopped_unauthorized'],
  'a credential is in status error / unauthorized: the proxy stopped refreshing it until a new login.',
  'no credential is in status error / unauthorized.',
);

/** repeated-401: the canary's 401, or credentials whose refresh failed with 401 / whose token expired. */
export const checkRepeated401: CheckFn = async (deps) => {
  const canary = await canaryCheck('invalid_api_key', 'the client key is rejected (401).')(deps);
  const creds = await problemCheck(
    ['refresh_stopped_unauthorized', 'expired'],
    'credentials are expired or stopped after a 401, so requests through them fail.',
    'no credential is expired or stopped after a 401.',
  )(deps);
  const findings = [...canary.findings, ...creds.findings];
  if (canary.confirmed)
    return { confirmed: true, summary: 'Confirmed: /v1 rejects the client key with 401.', findings };
  if (creds.confirmed) return { confirmed: true, summary: creds.summary, findings };
  if (canary.confirmed === null && creds.confirmed === null)
    return { confirmed: null, ...(creds.failed ? { failed: true } : {}), summary: creds.summary, findings };
  return {
    confirmed: false,
    summary: 'Not confirmed: no 401 from /v1 and no credential stopped or expired.',
    findings,
  };
};

/** stale-status: the list says one thing, the token file another (the file was refreshed after the status was set). */
export const checkStaleStatus: CheckFn = async (deps) => {
  const report = await readReport(deps);
  if (isOutcome(report)) return report;
  const files = await deps.proxy.listAuthFiles();
  const listed = new Map(files.map((f) => [f.name, f]));
  const now = deps.now();
  const findings: string[] = [];
  for (const c of report.credentials) {
    const f = listed.get(c.name);
    if (!f) continue;
    if (stale(c, f.lastRefresh, f.status, now)) {
      findings.push(
        `${c.name}: the list shows status ${f.status}${f.lastRefresh ? `, last refresh ${f.lastRefresh}` : ''} but the token file was refreshed at ${c.lastRefresh} and expires ${c.expiresAt ?? 'at an unknown time'}`,
      );
    }
  }
  if (findings.length > 0)
    return { confirmed: true, summary: 'Confirmed: the shown status lags behind the token files.', findings };
  return {
    confirmed: false,
    summary: "Not confirmed: every credential's status agrees with its token file.",
    findings: [`${report.credentials.length} credential(s) checked`],
  };
};

/** c.lastRefresh is the newer of the list's and the token file's; newer than the list means the file's. */
function stale(c: CredentialStatus, listRefresh: string | undefined, status: string, now: number): boolean {
  if (!c.lastRefresh) return false;
  const fileIsNewer = !listRefresh || Date.parse(c.lastRefresh) - Date.parse(listRefresh) > 60_000;
  if (!fileIsNewer) return false;
  const fresh = c.expiresAt !== undefined && Date.parse(c.expiresAt) > now;
  return listRefresh !== undefined || (status === 'error' && fresh);
}
