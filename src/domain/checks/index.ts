// Runbook row id → its read-only check. Add a row's check by adding one entry.
import { AppError } from '../../errors.js';
import { checkAuthUnavailable, checkModelCooldown } from './canary-checks.js';
import { checkConfigChangeSpike } from './config-change.js';
import {
  checkIflowRefreshFailed,
  checkKiroIdcRefresh,
  checkRefreshStoppedUnauthorized,
  checkRepeated401,
  checkStaleStatus,
  checkTokenStaysExpired,
} from './credential-checks.js';
import { checkKiroAccountSelection } from './manual-checks.js';
import {
  checkMgmtIpBanned,
  checkMgmtRemoteDisabled,
  checkRefresh401,
  checkRefresh404,
} from './server-checks.js';
import type { CheckDeps, CheckFn, CheckResult } from './types.js';

export type { CheckDeps, CheckFn, CheckResult } from './types.js';

export const CHECKS: Record<string, CheckFn> = {
  'repeated-401': checkRepeated401,
  'refresh-401': checkRefresh401,
  'refresh-404': checkRefresh404,
  'token-stays-expired': checkTokenStaysExpired,
  'config-change-spike': checkConfigChangeSpike,
  'iflow-refresh-failed': checkIflowRefreshFailed,
  'kiro-idc-refresh': checkKiroIdcRefresh,
  'kiro-account-selection': checkKiroAccountSelection,
  'stale-status': checkStaleStatus,
  'mgmt-ip-banned': checkMgmtIpBanned,
  'mgmt-remote-disabled': checkMgmtRemoteDisabled,
  'auth-unavailable': checkAuthUnavailable,
  'model-cooldown': checkModelCooldown,
  'refresh-stopped-unauthorized': checkRefreshStoppedUnauthorized,
};

export function hasCheck(rowId: string): boolean {
  return Object.hasOwn(CHECKS, rowId);
}

/**
 * Runs a row's check. Unknown row: AppError bad_usage. A proxy failure during a check becomes
 * `confirmed: null` with the error's message and runbook row, never a thrown stack.
 */
export async function runCheck(rowId: string, deps: CheckDeps): Promise<CheckResult> {
  const check = hasCheck(rowId) ? CHECKS[rowId] : undefined;
  if (!check) {
    throw new AppError('bad_usage', `No check for runbook row "${rowId.slice(0, 60)}".`, {
      hint: `Known rows: ${Object.keys(CHECKS).join(', ')}.`,
    });
  }
  try {
    return { row: rowId, ...(await check(deps)) };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return {
      row: rowId,
      confirmed: null,
      failed: true,
      summary: `Could not check: ${err.message}`,
      findings: [
        `${err.code}${err.runbook ? ` (runbook: ${err.runbook})` : ''}${err.hint ? `: ${err.hint}` : ''}`,
      ],
    };
  }
}
