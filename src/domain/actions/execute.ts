// The mutations themselves, over the ManagementClient: refresh (seed route), legacy Kiro refresh, re-enable.
import type { ManagementClient } from '../../cliproxy/types.js';
import { AppError } from '../../errors.js';
import { explainLegacyFailure } from './legacy-failure.js';
import type { ExecuteOutcome } from './types.js';

function routeMissing(client: ManagementClient, route: string): ExecuteOutcome {
  const version = client.serverVersion;
  return {
    kind: 'route_missing',
    version,
    summary: `The proxy (build ${version ?? 'unknown'}) has no management refresh route (${route} answers 404 while the management API answers).`,
  };
}

/** POST /v0/management/auths/{provider}/refresh. A missing route is an outcome, not an error. */
export async function executeRefresh(client: ManagementClient, provider: string): Promise<ExecuteOutcome> {
  try {
    const r = await client.refreshProvider(provider);
    return { kind: 'done', summary: `Refresh of ${provider} answered ${r.status}.` };
  } catch (err) {
    if (err instanceof AppError && err.code === 'route_missing')
      return routeMissing(client, `POST /v0/management/auths/${provider}/refresh`);
    throw err;
  }
}

/** Plus-era POST /v0/oauth/kiro/refresh (refreshes every kiro-*.json). */
export async function executeLegacyKiroRefresh(client: ManagementClient): Promise<ExecuteOutcome> {
  try {
    const r = await client.legacyKiroRefresh();
    return { kind: 'done', summary: `Legacy Kiro refresh: ${r.message} (${r.refreshedCount} refreshed).` };
  } catch (err) {
    if (err instanceof AppError && err.code === 'route_missing') {
      return {
        kind: 'failed',
        runbook: undefined,
        summary: `This build (${client.serverVersion ?? 'unknown'}) has no legacy Kiro refresh route (POST /v0/oauth/kiro/refresh) either.`,
      };
    }
    const legacyError = err instanceof AppError ? err.details?.legacyError : undefined;
    if (typeof legacyError === 'string') return explainLegacyFailure(client, legacyError);
    throw err;
  }
}

/** PATCH /v0/management/auth-files/status {disabled:false} for each credential. */
export async function executeReenable(
  client: ManagementClient,
  names: readonly string[],
): Promise<ExecuteOutcome> {
  for (const name of names) await client.setDisabled(name, false);
  return { kind: 'done', summary: `Re-enabled ${names.join(', ')}.` };
}
