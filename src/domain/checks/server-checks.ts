// Checks answered by one probe of the management API: its answer is the symptom.
import type { CheckDeps, CheckFn } from './types.js';

function probeCheck(code: string, present: string, absent: string): CheckFn {
  return async ({ proxy }: CheckDeps) => {
    const info = await proxy.probe();
    const findings = [`GET /v0/management/config: ${info.error ? info.error.message : 'answered 200'}`];
    if (info.version) findings.push(`server build ${info.version}`);
    if (info.error?.code === code) return { confirmed: true, summary: present, findings };
    if (!info.reachable) {
      return {
        confirmed: null,
        failed: true,
        summary: `Could not check: the proxy is unreachable (${info.error?.code}).`,
        findings,
      };
    }
    return { confirmed: false, summary: absent, findings };
  };
}

export const checkRefresh401 = probeCheck(
  'unauthorized',
  'Confirmed: the management API rejects the configured key (401).',
  'Not confirmed: the management API accepts the configured key.',
);

export const checkMgmtIpBanned = probeCheck(
  'ip_banned',
  'Confirmed: the management API has banned this host (403 IP banned).',
  'Not confirmed: the management API does not report a ban for this host.',
);

export const checkMgmtRemoteDisabled = probeCheck(
  'remote_disabled',
  'Confirmed: the management API refuses remote callers (403 remote management disabled).',
  'Not confirmed: the management API accepts calls from this host.',
);

/**
 * refresh-404 is the management API switched off as a whole, not a missing refresh route. Read-only:
 * it never calls the refresh route itself (on a build that has it, that call would refresh credentials
 * without approval); whether this build has the seed's refresh route is found out by the approved action.
 */
export const checkRefresh404: CheckFn = async (deps) => {
  const base = await probeCheck(
    'management_disabled',
    'Confirmed: every management route answers 404: the management API is switched off (no secret-key).',
    'Not confirmed: the management API answers.',
  )(deps);
  if (base.confirmed === false) {
    base.findings.push(
      'If only POST /v0/management/auths/{provider}/refresh answers 404, this build has no management refresh route: that is not this row; /auth-refresh offers re-login, the legacy Kiro refresh or re-enable instead.',
    );
  }
  return base;
};
