// When the seed refresh route is missing: what this build supports instead, found by probing routes
// (never from the version string). Each alternative becomes its own approval-gated request.
import type { ManagementClient } from '../../cliproxy/types.js';
import { AppError } from '../../errors.js';
import type { CredentialState } from '../approvals/fingerprint.js';
import { needsReenable } from './target.js';

export type AlternativeKind = 'relogin' | 'legacy_refresh' | 'reenable';

export interface Alternative {
  kind: AlternativeKind;
  label: string; // button text (<= 75 chars)
  description: string;
  credentials: string[]; // for reenable: which ones
}

/** Probes that never change anything on the proxy. */
export interface RouteProbes {
  /** True when the management OAuth status route answers (GET /get-auth-status, harmless for an unknown state). */
  hasLoginRoutes(): Promise<boolean>;
  /** True when POST /v0/oauth/kiro/refresh exists. Undefined: cannot tell without calling it. */
  hasLegacyKiroRefresh?(): Promise<boolean | undefined>;
}

/** Default probes over the ManagementClient. */
export function clientProbes(client: ManagementClient): RouteProbes {
  return {
    async hasLoginRoutes() {
      try {
        await client.loginStatus('auth-bot-probe');
        return true;
      } catch (err) {
        if (err instanceof AppError && err.code === 'route_missing') return false;
        throw err;
      }
    },
  };
}

export async function findAlternatives(
  probes: RouteProbes,
  provider: string,
  states: readonly CredentialState[],
): Promise<Alternative[]> {
  const out: Alternative[] = [];
  if (await probes.hasLoginRoutes()) {
    out.push({
      kind: 'relogin',
      label: `Request re-login (${provider})`.slice(0, 75),
      description: `re-login through GET /v0/management/${provider}-auth-url, then poll the login status`,
      credentials: [],
    });
  }
  if (provider === 'kiro') {
    const legacy = probes.hasLegacyKiroRefresh ? await probes.hasLegacyKiroRefresh() : undefined;
    if (legacy !== false) {
      out.push({
        kind: 'legacy_refresh',
        label: 'Request legacy Kiro refresh',
        description: 'POST /v0/oauth/kiro/refresh (Plus-era builds; refreshes every kiro-*.json)',
        credentials: [],
      });
    }
  }
  const stuck = states.filter(needsReenable).map((s) => s.name);
  if (stuck.length > 0) {
    out.push({
      kind: 'reenable',
      label: `Request re-enable (${stuck.length})`,
      description: `re-enable ${stuck.join(', ')} (PATCH /v0/management/auth-files/status)`,
      credentials: stuck,
    });
  }
  return out;
}
