// In-test fakes for the engine: a ManagementClient over an in-memory credential table, and a recording Messenger.
import type { Messenger, OutgoingMessage } from '../../src/approvals/messenger.js';
import type {
  AuthFile,
  CanaryResult,
  LoginStart,
  LoginStatus,
  ManagementClient,
  ServerInfo,
  TokenSummary,
} from '../../src/cliproxy/types.js';
import { AppError } from '../../src/errors.js';

export interface FakeCred {
  name: string;
  provider: string;
  status: string;
  statusMessage?: string;
  disabled: boolean;
  expiresAt: string;
  lastRefresh: string;
}

export class FakeClient implements ManagementClient {
  serverVersion: string | undefined = 'v6.9.3-test';
  creds = new Map<string, FakeCred>();
  refreshMode: 'ok' | 'missing' | 'noop' | 'down' = 'ok';
  loginRoutes = true;
  /** What the side-effect-free probe of the legacy Kiro refresh route answers. */
  legacyProbe: 'present' | 'missing' | 'unknown' = 'missing';
  loginStatuses: LoginStatus[] = [{ status: 'wait' }, { status: 'ok' }];
  canaryResult: CanaryResult = { ok: true, status: 200, latencyMs: 12 };
  down = false;
  calls: string[] = [];
  refreshDelayMs = 0;

  constructor(private readonly clock: () => number) {}

  add(cred: Partial<FakeCred> & { name: string }): this {
    this.creds.set(cred.name, {
      provider: 'kiro',
      status: 'active',
      disabled: false,
      expiresAt: new Date(this.clock() + 60_000).toISOString(),
      lastRefresh: new Date(this.clock() - 3_600_000).toISOString(),
      ...cred,
    });
    return this;
  }

  private guard(call: string) {
    this.calls.push(call);
    if (this.down)
      throw new AppError('unreachable', 'The proxy at http://fake is unreachable (ECONNREFUSED).');
  }

  private bump(provider: string) {
    for (const c of this.creds.values()) {
      if (c.provider !== provider || c.disabled) continue;
      c.expiresAt = new Date(this.clock() + 3_600_000).toISOString();
      c.lastRefresh = new Date(this.clock()).toISOString();
      c.status = 'active';
      delete c.statusMessage;
    }
  }

  async probe(): Promise<ServerInfo> {
    return { url: 'http://fake', reachable: !this.down, version: this.serverVersion };
  }
  async getConfig() {
    return {};
  }
  async getConfigYaml() {
    return '';
  }
  async putConfigYaml() {
    return { changed: [], persisted: true };
  }
  async listAuthFiles(): Promise<AuthFile[]> {
    this.guard('listAuthFiles');
    return [...this.creds.values()].map((c) => ({
      name: c.name,
      provider: c.provider,
      type: c.provider,
      label: undefined,
      email: undefined,
      status: c.status,
      statusMessage: c.statusMessage,
      disabled: c.disabled,
      unavailable: false,
      runtimeOnly: false,
      lastRefresh: c.lastRefresh,
      nextRetryAfter: undefined,
      authIndex: undefined,
    }));
  }
  async scanAuthFiles(visit: (f: AuthFile) => void): Promise<number> {
    const files = await this.listAuthFiles();
    for (const f of files) visit(f);
    return files.length;
  }
  async readToken(name: string): Promise<TokenSummary> {
    this.guard(`readToken ${name}`);
    const c = this.creds.get(name);
    if (!c) throw new AppError('not_found', 'file not found');
    return {
      name,
      type: c.provider,
      expiresAt: c.expiresAt,
      lastRefresh: c.lastRefresh,
      hasRefreshToken: true,
      authMethod: undefined,
      region: undefined,
      hasClientId: false,
      hasClientSecret: false,
      email: undefined,
    };
  }
  async setDisabled(name: string, disabled: boolean) {
    this.guard(`setDisabled ${name} ${disabled}`);
    const c = this.creds.get(name);
    if (!c) throw new AppError('not_found', 'auth file not found');
    c.disabled = disabled;
    c.status = disabled ? 'disabled' : 'active';
    delete c.statusMessage;
  }
  async refreshProvider(provider: string) {
    this.guard(`refreshProvider ${provider}`);
    if (this.refreshDelayMs) await new Promise((r) => setTimeout(r, this.refreshDelayMs));
    if (this.refreshMode === 'missing') throw new AppError('route_missing', 'no route');
    if (this.refreshMode === 'down') {
      this.down = true;
      throw new AppError('unreachable', 'The proxy at http://fake is unreachable (ECONNRESET).');
    }
    if (this.refreshMode === 'ok') this.bump(provider);
    return { status: 200, body: { status: 'ok' } };
  }
  async legacyKiroRefresh() {
    this.guard('legacyKiroRefresh');
    this.bump('kiro');
    return { refreshedCount: 1, message: 'Refreshed 1 token(s)' };
  }
  private loginProvider = '';
  async probeLegacyKiroRefresh() {
    this.guard('probeLegacyKiroRefresh');
    return this.legacyProbe;
  }
  async startLogin(provider: string, options: { method?: string } = {}): Promise<LoginStart> {
    this.guard(`startLogin ${provider}${options.method ? ` ${options.method}` : ''}`);
    if (!this.loginRoutes) throw new AppError('route_missing', 'no route');
    // like Plus's kiro-auth-url: an unknown method is rejected before any login starts
    if (
      provider === 'kiro' &&
      options.method &&
      !['aws', 'builder-id', 'google', 'github'].includes(options.method)
    ) {
      throw new AppError('bad_request', 'The proxy rejected GET /v0/management/kiro-auth-url (400)', {
        details: { status: 400, serverError: "invalid method, use 'aws', 'google', or 'github'" },
      });
    }
    this.loginProvider = provider;
    return { url: 'https://login.example/authorize?state=s1', state: 's1' };
  }
  async loginStatus(state: string): Promise<LoginStatus> {
    this.guard(`loginStatus ${state}`);
    if (!this.loginRoutes) throw new AppError('route_missing', 'no route');
    if (state !== 's1') return { status: 'ok' };
    const next = this.loginStatuses.shift() ?? { status: 'wait' };
    if (next.status === 'ok') this.bump(this.loginProvider);
    return next;
  }
  async canary(): Promise<CanaryResult> {
    this.guard('canary');
    return this.canaryResult;
  }
  /** This fake has no cooldowns; a build without the reset route. */
  async hasResetQuota() {
    this.guard('hasResetQuota');
    return false;
  }
  async resetQuota(): Promise<never> {
    this.guard('resetQuota');
    throw new AppError('route_missing', 'no route');
  }
  async close() {}
  count(prefix: string): number {
    return this.calls.filter((c) => c.startsWith(prefix)).length;
  }
}

export interface Sent {
  kind: 'post' | 'update' | 'thread' | 'ephemeral' | 'dm';
  channel: string;
  ts?: string;
  user?: string;
  message: OutgoingMessage;
}

export class RecordingMessenger implements Messenger {
  sent: Sent[] = [];
  private seq = 0;
  async postRequest(channel: string, message: OutgoingMessage) {
    const ts = `100.${++this.seq}`;
    this.sent.push({ kind: 'post', channel, ts, message });
    return ts;
  }
  async updateRequest(channel: string, ts: string, message: OutgoingMessage) {
    this.sent.push({ kind: 'update', channel, ts, message });
    return true;
  }
  async threadReply(channel: string, ts: string, message: OutgoingMessage) {
    this.sent.push({ kind: 'thread', channel, ts, message });
    return true;
  }
  /** Users Slack refuses an ephemeral for (e.g. not in the channel), and users it refuses a DM to. */
  refuseEphemeral = new Set<string>();
  refuseDm = new Set<string>();
  async ephemeral(channel: string, user: string, message: OutgoingMessage) {
    if (this.refuseEphemeral.has(user)) return false;
    this.sent.push({ kind: 'ephemeral', channel, user, message });
    return true;
  }
  async direct(user: string, message: OutgoingMessage) {
    if (this.refuseDm.has(user)) return false;
    this.sent.push({ kind: 'dm', channel: `D-${user}`, user, message });
    return true;
  }
  of(kind: Sent['kind']): Sent[] {
    return this.sent.filter((s) => s.kind === kind);
  }
  texts(kind: Sent['kind']): string[] {
    return this.of(kind).map((s) => `${s.message.text} ${JSON.stringify(s.message.blocks ?? [])}`);
  }
  lastUpdate(): Sent | undefined {
    return this.of('update').at(-1);
  }
}
