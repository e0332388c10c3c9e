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

/** Probes of what a build supports. None of them changes a credential or the config. */
export interface RouteProbes {
  /**
   * True when this build can log in to `provider` through the management OAuth routes: GET /get-auth-status
   * answers, and GET /<provider>-auth-url answers (this starts a login session on the proxy that simply
   * times out unused; it changes no credential).
   */
  hasLoginRoute(provider: string): Promise<boolean>;
  /** True when POST /v0/oauth/kiro/refresh exists. Undefined: cannot tell without calling it. */
  hasLegacyKiroRefresh?(): Promise<boolean | undefined>;
}

async function answers(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (err) {
    if (err instanceof AppError && err.code === 'route_missing') return false;
    if (err instanceof AppError && err.code === 'bad_request') return true; // the route exists
    throw err;
  }
}

/** Default probes over the ManagementClient. */
export function clientProbes(client: ManagementClient): RouteProbes {
  return {
    async hasLoginRoute(provider) {
      if (!(await answers(() => client.loginStatus('auth-bot-probe')))) return false;
      return answers(() => client.startLogin(provider));
    },
  };
}

export async function findAlternatives(
  probes: RouteProbes,
  provider: string,
  states: readonly CredentialState[],
): Promise<Alternative[]> {
  const out: Alternative[] = [];
  if (await probes.hasLoginRoute(provider)) {
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
