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
  /** When the auth file last changed on disk, and its size: the watch re-reads a file only when these move. */
  modtime?: string | undefined;
  size?: number | undefined;
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
  readToken(name: string): Promise<TokenSummary>;
  setDisabled(name: string, disabled: boolean): Promise<void>;
  /** The seed's POST /v0/management/auths/{provider}/refresh. Throws AppError('route_missing') on builds without it. */
  refreshProvider(provider: string): Promise<{ status: number; body: unknown }>;
  /** Plus-era POST /v0/oauth/kiro/refresh. Throws AppError('route_missing') where absent. */
  legacyKiroRefresh(): Promise<{ refreshedCount: number; message: string }>;
  startLogin(provider: string, options?: { method?: string }): Promise<LoginStart>;
  loginStatus(state: string): Promise<LoginStatus>;
  canary(clientKey: string | undefined, model: string | undefined): Promise<CanaryResult>;
  close(): Promise<void>;
}
