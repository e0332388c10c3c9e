// Which management OAuth route logs a provider in again. The route names are the servers' own, read from
// the routes the real builds register (upstream v7.2.140; CLIProxyAPIPlus v6.9.2-0): a provider's name in
// auth-files is not always its route's name (claude → anthropic-auth-url, gemini → gemini-cli-auth-url).

/** Provider (auth-files `provider` or `type`) → the `<name>` of `GET /v0/management/<name>-auth-url`. */
const LOGIN_ROUTE_NAMES: Readonly<Record<string, string>> = {
  claude: 'anthropic',
  anthropic: 'anthropic',
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
  github: 'github',
};

/** The login route name for a provider, or undefined when no build has a login route for it. */
export function loginRouteName(provider: string): string | undefined {
  return Object.hasOwn(LOGIN_ROUTE_NAMES, provider) ? LOGIN_ROUTE_NAMES[provider] : undefined;
}

/** `GET /v0/management/<name>-auth-url`, for messages. */
export function loginRoutePath(name: string): string {
  return `GET /v0/management/${name}-auth-url`;
}

/** The login method to ask for: Kiro's device-code flow (`aws`) where the build offers it. */
export function loginMethodFor(name: string, methods: readonly string[]): string | undefined {
  if (name !== 'kiro') return undefined;
  if (methods.length === 0 || methods.includes('aws')) return 'aws';
  return methods[0];
}
