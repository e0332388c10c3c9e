// What a build supports besides the seed refresh route, found by side-effect-free probes (never from the
// version string, never by calling a route that changes something). Used twice: to plan a refresh before
// asking approval (refresh-plan), and to offer alternatives when a refresh found no route to run.
import { type KiroLoginProbe, type ProbeAnswer, probeKiroLogin } from '../../cliproxy/probes-kiro.js';
import type { ManagementClient } from '../../cliproxy/types.js';
import { AppError } from '../../errors.js';
import type { CredentialState } from '../approvals/fingerprint.js';
import { loginMethodFor, loginRouteName, loginRoutePath } from './login-routes.js';
import { needsReenable } from './target.js';

export type AlternativeKind = 'relogin' | 'legacy_refresh' | 'reenable';

export interface Alternative {
  kind: AlternativeKind;
  label: string; // button text (<= 75 chars)
  description: string;
  credentials: string[]; // for reenable: which ones
}

/** A provider's login route on this build: probed present, or known by name but not checkable. */
export interface LoginRoute {
  /** `<name>` of GET /v0/management/<name>-auth-url. */
  name: string;
  /** 'unprobed': the route cannot be checked without starting a login, so nobody checked it. */
  answer: 'present' | 'unprobed';
  method: string | undefined;
  methods: string[];
}

/** Probes of what a build supports. None of them changes a credential, the config or starts a login. */
export interface RouteProbes {
  /** The provider's login route, or undefined where this build has none (or no build has one). */
  loginRoute(provider: string): Promise<LoginRoute | undefined>;
  /** POST /v0/oauth/kiro/refresh: 'present', 'missing', or 'unknown' (could not tell without calling it). */
  legacyKiroRefresh(): Promise<ProbeAnswer>;
}

/** Whether GET /get-auth-status answers: read-only, and where it is missing no login route can work. */
async function hasLoginStatus(client: ManagementClient): Promise<boolean> {
  try {
    await client.loginStatus(`auth-bot-probe-${Date.now().toString(36)}`);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.code === 'route_missing') return false;
    if (err instanceof AppError && err.code === 'bad_request') return true; // a handler rejected the state
    throw err;
  }
}

/** Default probes over the ManagementClient. */
export function clientProbes(client: ManagementClient): RouteProbes {
  return {
    async loginRoute(provider) {
      const name = loginRouteName(provider);
      if (name === undefined) return undefined;
      // gin's trailing-slash redirect tells whether the route is registered without running it
      const registered = client.probeManagementRoute
        ? await client.probeManagementRoute(`${name}-auth-url`)
        : 'unknown';
      if (registered === 'missing') return undefined;
      if (name === 'kiro') {
        // kiro-auth-url rejects an unknown method before doing anything: its answer names the methods
        const probe: KiroLoginProbe = await probeKiroLogin(client);
        if (probe.answer === 'missing') return undefined;
        const present = probe.answer === 'present' || registered === 'present';
        return {
          name,
          answer: present ? 'present' : 'unprobed',
          method: loginMethodFor(name, probe.methods),
          methods: probe.methods,
        };
      }
      if (registered === 'present') return { name, answer: 'present', method: undefined, methods: [] };
      // could not tell: calling the route would start a login (and may open a callback port), so it is
      // offered unprobed, after a read-only check that the login machinery exists
      if (!(await hasLoginStatus(client))) return undefined;
      return { name, answer: 'unprobed', method: undefined, methods: [] };
    },
    async legacyKiroRefresh() {
      return client.probeLegacyKiroRefresh ? client.probeLegacyKiroRefresh() : 'unknown';
    },
  };
}

/** How a login route is described in a request or an offer. */
export function describeLogin(route: LoginRoute): string {
  const method = route.method ? `?method=${route.method}` : '';
  const unprobed =
    route.answer === 'unprobed' ? ' (unprobed: this route cannot be checked without starting a login)' : '';
  return `${loginRoutePath(route.name)}${method}${unprobed}`;
}

export const LEGACY_KIRO_WORDS = 'POST /v0/oauth/kiro/refresh, which refreshes every Kiro file (kiro-*.json)';

export async function findAlternatives(
  probes: RouteProbes,
  provider: string,
  states: readonly CredentialState[],
): Promise<Alternative[]> {
  const out: Alternative[] = [];
  const login = await probes.loginRoute(provider);
  if (login) {
    out.push({
      kind: 'relogin',
      label: `Request re-login (${provider})`.slice(0, 75),
      description: `re-login through ${describeLogin(login)}, then poll the login status`,
      credentials: [],
    });
  }
  if (provider === 'kiro') {
    const legacy = await probes.legacyKiroRefresh();
    if (legacy !== 'missing') {
      out.push({
        kind: 'legacy_refresh',
        label: 'Request legacy Kiro refresh',
        description: `${LEGACY_KIRO_WORDS}${legacy === 'unknown' ? ' (unprobed: the probe could not tell)' : ''}`,
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
