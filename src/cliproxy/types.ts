// The contract of the CLIProxyAPI management client: what the rest of the bot may ask of the proxy.
// Implementation: ./client.ts (undici). Errors are AppError with the codes listed in ../errors.ts.

/** One entry of GET /v0/management/auth-files, reduced to what the bot uses. */
export interface AuthFile {
  name: string;
  provider: string;
  type: string | undefined;
  label: string | undefined;
  email: string | undefined;
  status: string;
  statusMessage: string | undefined;
  disabled: boolean;
  unavailable: boolean;
  runtimeOnly: boolean;
  lastRefresh: string | undefined; // RFC 3339 UTC
  nextRetryAfter: string | undefined;
  authIndex: string | undefined;
  /** The file's modification time (RFC 3339 UTC) and size: they change when the token file is rewritten. */
  modtime?: string | undefined;
  size?: number | undefined;
  /** When the proxy last changed this credential's state (RFC 3339 UTC). */
  updatedAt?: string | undefined;
}

/** What POST /v0/management/reset-quota answered: the credential and the models whose cooldown it cleared. */
export interface QuotaReset {
  authIndex: string;
  models: string[];
}

/** A token file reduced at once to non-secret facts. Token values never leave the client. */
export interface TokenSummary {
  name: string;
  type: string | undefined;
  expiresAt: string | undefined; // RFC 3339 UTC, from any expiry key the proxy reads
  lastRefresh: string | undefined;
  hasRefreshToken: boolean;
  authMethod: string | undefined;
  region: string | undefined;
  hasClientId: boolean;
  hasClientSecret: boolean;
  email: string | undefined;
}

export interface ServerInfo {
  url: string;
  reachable: boolean;
  version: string | undefined;
  error?: { code: string; message: string; runbook: string | undefined; hint?: string | undefined };
}

export interface LoginStart {
  url: string | undefined;
  state: string;
  userCode?: string | undefined;
}

export type LoginStatus =
  | { status: 'wait' }
  | { status: 'ok' }
  | { status: 'error'; error: string }
  | { status: 'device_code'; verificationUrl: string; userCode: string }
  | { status: 'auth_url'; url: string };

export interface CanaryResult {
  ok: boolean;
  skipped?: string; // reason when not run
  status: number | undefined;
  latencyMs: number | undefined;
  /** failure class: invalid_api_key | model_cooldown | unknown_provider | auth_unavailable | unreachable | other */
  failure?: string;
  runbook?: string | undefined;
  message?: string;
}

export interface ManagementClient {
  /** Build string from X-CPA-VERSION of the last management response ("dev" for go-install builds). */
  readonly serverVersion: string | undefined;
  probe(): Promise<ServerInfo>;
  getConfig(): Promise<Record<string, unknown>>;
  getConfigYaml(): Promise<string>;
  putConfigYaml(yaml: string): Promise<{ changed: string[]; persisted: boolean }>;
  listAuthFiles(): Promise<AuthFile[]>;
  /**
   * The same list, handed to `visit` one credential at a time and not kept (for callers that read
   * thousands every poll). Resolves to the count; on failure, the items visited so far are not to be used.
   */
  scanAuthFiles(visit: (f: AuthFile) => void): Promise<number>;
  readToken(name: string): Promise<TokenSummary>;
  setDisabled(name: string, disabled: boolean): Promise<void>;
  /** The seed's POST /v0/management/auths/{provider}/refresh. Throws AppError('route_missing') on builds without it. */
  refreshProvider(provider: string): Promise<{ status: number; body: unknown }>;
  /** Plus-era POST /v0/oauth/kiro/refresh. Throws AppError('route_missing') where absent. */
  legacyKiroRefresh(): Promise<{ refreshedCount: number; message: string }>;
  /**
   * Side-effect-free probe of the Plus-era Kiro web routes (GET /v0/oauth/kiro/status with a state it never
   * issued): 'present' where POST /v0/oauth/kiro/refresh exists. Absent on clients that cannot tell.
   */
  probeLegacyKiroRefresh?(): Promise<'present' | 'missing' | 'unknown'>;
  /** Side-effect-free probe of a GET management route (e.g. "anthropic-auth-url"); absent on clients that cannot tell. */
  probeManagementRoute?(route: string): Promise<'present' | 'missing' | 'unknown'>;
  startLogin(provider: string, options?: { method?: string }): Promise<LoginStart>;
  loginStatus(state: string): Promise<LoginStatus>;
  canary(clientKey: string | undefined, model: string | undefined): Promise<CanaryResult>;
  /**
   * True when this build has POST /v0/management/reset-quota (upstream v7.2.22+), found without side effects:
   * an empty body answers 400 where the route exists, a bare 404 where it does not.
   */
  hasResetQuota(): Promise<boolean>;
  /** Clears one credential's cooldown. Throws AppError('route_missing') on builds without the route. */
  resetQuota(authIndex: string): Promise<QuotaReset>;
  close(): Promise<void>;
}
