// The CLIProxyAPI management client (contract: ./types.ts). One undici Pool per proxy origin, a
// deadline per call, bounded retries for GETs, zod on every body, and a latch: after one 401 the
// client stops calling the management API until the key changes (plumbing: ./plumbing.ts). The calls
// themselves live by concern: ./auth-files.ts, ./login.ts, ./config-calls.ts, ./probes.ts.
import * as authFiles from './auth-files.js';
import * as configCalls from './config-calls.js';
import * as login from './login.js';
import { validateProvider } from './names.js';
import { type ManagementClientOptions, ManagementCore } from './plumbing.js';
import * as probes from './probes.js';
import { kiroWebGet, type ProbeAnswer, probeGetRoute, probeKiroWebRoutes } from './probes-kiro.js';
import { type ManagementPost, probeResetQuota, resetQuota } from './quota.js';
import type {
  AuthFile,
  CanaryResult,
  LoginStart,
  LoginStatus,
  ManagementClient,
  QuotaReset,
  ServerInfo,
  TokenSummary,
} from './types.js';

export { MANAGEMENT_PREFIX, MAX_IN_FLIGHT, type ManagementClientOptions } from './plumbing.js';

export class HttpManagementClient extends ManagementCore implements ManagementClient {
  /** `background`: the probe waits behind every call made for a person (used by /readyz). */
  probe(options: { background?: boolean } = {}): Promise<ServerInfo> {
    return probes.probe(this, options.background === true);
  }

  getConfig(): Promise<Record<string, unknown>> {
    return configCalls.getConfig(this);
  }

  getConfigYaml(): Promise<string> {
    return configCalls.getConfigYaml(this);
  }

  putConfigYaml(yaml: string): Promise<{ changed: string[]; persisted: boolean }> {
    return configCalls.putConfigYaml(this, yaml);
  }

  listAuthFiles(): Promise<AuthFile[]> {
    return authFiles.listAuthFiles(this);
  }

  scanAuthFiles(visit: (f: AuthFile) => void): Promise<number> {
    return authFiles.scanAuthFiles(this, visit);
  }

  readToken(name: string): Promise<TokenSummary> {
    return authFiles.readToken(this, name);
  }

  setDisabled(name: string, disabled: boolean): Promise<void> {
    return authFiles.setDisabled(this, name, disabled);
  }

  refreshProvider(provider: string): Promise<{ status: number; body: unknown }> {
    return authFiles.refreshProvider(this, provider);
  }

  legacyKiroRefresh(): Promise<{ refreshedCount: number; message: string }> {
    return authFiles.legacyKiroRefresh(this);
  }

  startLogin(provider: string, options: { method?: string } = {}): Promise<LoginStart> {
    return login.startLogin(this, provider, options);
  }

  loginStatus(state: string): Promise<LoginStatus> {
    return login.loginStatus(this, state);
  }

  canary(clientKey: string | undefined, model: string | undefined): Promise<CanaryResult> {
    return probes.canary(this, clientKey, model);
  }

  /** Side-effect-free: are the Plus-era Kiro web routes (the legacy refresh) registered? See probes-kiro.ts. */
  probeLegacyKiroRefresh(): Promise<ProbeAnswer> {
    return probeKiroWebRoutes(kiroWebGet(this.transport), this.basePath);
  }

  /** Side-effect-free: is GET /v0/management/<route> registered (trailing-slash redirect)? See probes-kiro.ts. */
  async probeManagementRoute(route: string): Promise<ProbeAnswer> {
    const key = this.key;
    if (!key || this.latched) return 'unknown';
    const headers = { authorization: `Bearer ${key}` };
    return probeGetRoute(
      async (path) => {
        const res = await this.transport.send({ method: 'GET', path, headers });
        if (res.status === 401) await this.rejected(key);
        return res;
      },
      this.basePath,
      validateProvider(route), // only [a-z0-9-] reaches the URL
    );
  }

  hasResetQuota(): Promise<boolean> {
    return probeResetQuota(this.jsonPost);
  }

  resetQuota(authIndex: string): Promise<QuotaReset> {
    return resetQuota(this.jsonPost, authIndex);
  }

  /** A management POST with a JSON body, for the route files that delegate here (./quota.ts). */
  private readonly jsonPost: ManagementPost = (route, body, missingRouteIs) =>
    this.management('POST', route, {
      body,
      headers: { 'content-type': 'application/json' },
      missingRouteIs,
    });
}

export function createManagementClient(options: ManagementClientOptions): HttpManagementClient {
  return new HttpManagementClient(options);
}
