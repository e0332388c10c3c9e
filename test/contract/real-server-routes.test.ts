// What each real build supports, found by the bot's side-effect-free probes, checked against the real
// servers: upstream CLIProxyAPI v7.2.140 and CLIProxyAPIPlus v6.9.2-0. Also the provider → login route
// map against the routes each build really registers.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createManagementClient, type HttpManagementClient } from '../../src/cliproxy/client.js';
import { probeKiroLogin } from '../../src/cliproxy/probes-kiro.js';
import { clientProbes } from '../../src/domain/actions/alternatives.js';
import { loginRouteName } from '../../src/domain/actions/login-routes.js';
import { planRefresh } from '../../src/domain/actions/refresh-plan.js';
import { BOTH_BUILDS, type RealBuild, seedTokenFiles, useRealServer } from '../setup/real-server.js';

/** The `-auth-url` routes each build registers (upstream: its server_management.go; Plus: routes-v6.9.2-0.txt). */
const LOGIN_ROUTES: Record<RealBuild['name'], string[]> = {
  upstream: ['anthropic', 'codex', 'antigravity', 'kimi', 'xai'],
  plus: [
    'anthropic',
    'codex',
    'gitlab',
    'gemini-cli',
    'antigravity',
    'qwen',
    'kilo',
    'kimi',
    'iflow',
    'kiro',
    'github',
  ],
};

/** Every provider name the bot maps, and the route name it must map to. */
const PROVIDERS: Record<string, string> = {
  claude: 'anthropic',
  codex: 'codex',
  gemini: 'gemini-cli',
  'gemini-cli': 'gemini-cli',
  antigravity: 'antigravity',
  qwen: 'qwen',
  iflow: 'iflow',
  kiro: 'kiro',
  kimi: 'kimi',
  kilo: 'kilo',
  xai: 'xai',
  gitlab: 'gitlab',
  'github-copilot': 'github',
};

/** Names, sizes, mtimes and contents of the auth-dir: a probe must leave all of them as they were. */
async function authDirState(dir: string): Promise<string> {
  const names = (await readdir(dir)).sort();
  const rows = await Promise.all(
    names.map(async (n) => {
      const s = await stat(join(dir, n));
      return `${n}|${s.size}|${s.mtimeMs}|${await readFile(join(dir, n), 'utf8')}`;
    }),
  );
  return rows.join('\n');
}

describe.each(BOTH_BUILDS)('what the real $name build supports', (build) => {
  const seed = seedTokenFiles();
  const realServer = useRealServer({ build: build.name, authFiles: seed.files });
  let managed: HttpManagementClient | undefined;
  let server: ReturnType<typeof realServer>;
  let client: HttpManagementClient;
  beforeEach(() => {
    server = realServer();
    managed ??= createManagementClient({ baseUrl: server.url, managementKey: server.managementKey });
    client = managed;
  });
  afterAll(async () => {
    await managed?.close();
  });

  it('probes the legacy Kiro refresh and the Kiro login route without side effects', async () => {
    await client.listAuthFiles();
    const before = await authDirState(server.authDir);
    const legacy = await client.probeLegacyKiroRefresh();
    const login = await probeKiroLogin(client);
    const plan = await planRefresh(clientProbes(client), 'kiro');
    await new Promise((r) => setTimeout(r, 300)); // anything the probes started would have begun by now
    expect(await authDirState(server.authDir)).toBe(before);
    // the refresh route itself was never called, and no login was started
    expect(server.requestLog('/v0/oauth/kiro/refresh')).toEqual([]);
    expect(server.logs()).not.toContain('Registering client');
    if (build.name === 'plus') {
      expect(legacy).toBe('present');
      expect(login).toEqual({ answer: 'present', methods: ['aws', 'google', 'github'] });
      expect(plan).toMatchObject({ fallback: 'legacy', legacy: 'present' });
      expect(server.requestLog('/v0/oauth/kiro/status').join('\n')).toContain('404');
      expect(server.requestLog('/v0/management/kiro-auth-url').join('\n')).toContain('400');
    } else {
      expect(legacy).toBe('missing');
      expect(login.answer).toBe('missing');
      expect(plan).toEqual({ fallback: null, login: null, legacy: null });
    }
  });

  it("finds each login route by gin's trailing-slash redirect, without starting a login", async () => {
    const before = await authDirState(server.authDir);
    const initializing = () => server.logs().match(/Initializing .* authentication/g)?.length ?? 0;
    const started = initializing();
    for (const route of new Set(Object.values(PROVIDERS))) {
      const answer = await client.probeManagementRoute(`${route}-auth-url`);
      expect(answer, route).toBe(LOGIN_ROUTES[build.name].includes(route) ? 'present' : 'missing');
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(initializing()).toBe(started); // no login handler ran
    expect(await authDirState(server.authDir)).toBe(before);
    expect(client.isLatched).toBe(false);
    await expect(client.listAuthFiles()).resolves.toHaveLength(3); // no failed-key attempt, no ban
  });

  it('has no seed refresh route (the plan always tries it first, so nothing is known to be missing)', async () => {
    expect((await client.refreshProvider('kiro').catch((e) => e)).code).toBe('route_missing');
  });

  it("maps each provider to the build's real login route", async () => {
    for (const [provider, route] of Object.entries(PROVIDERS)) {
      expect(loginRouteName(provider), provider).toBe(route);
    }
    for (const route of new Set(Object.values(PROVIDERS))) {
      // a login route that exists answers from its handler (a login URL, or a handler error offline);
      // a missing one is gin's bare 404, which the client reports as route_missing
      const answer = await client.startLogin(route).then(
        () => 'present',
        (e) => (e.code === 'route_missing' ? 'missing' : 'present'),
      );
      expect(answer, route).toBe(LOGIN_ROUTES[build.name].includes(route) ? 'present' : 'missing');
    }
  }, 60_000);

  it('plans a Claude refresh with the anthropic login route (probed), and none for a route this build lacks', async () => {
    const plan = await planRefresh(clientProbes(client), 'claude');
    expect(plan).toMatchObject({ fallback: 'relogin', login: { name: 'anthropic', answer: 'present' } });
    const iflow = await planRefresh(clientProbes(client), 'iflow');
    if (build.name === 'plus') expect(iflow.login).toMatchObject({ name: 'iflow', answer: 'present' });
    else expect(iflow).toEqual({ fallback: null, login: null, legacy: null });
  });
});
