// Reads a pasted log line or error body for its structure before its words: which route family a path
// or URL belongs to (the proxy's management API, its /v1 API, or a provider's OAuth token endpoint),
// error codes (model_cooldown, invalid_grant, a JSON "code", a log line's trailing ": unauthorized"),
// and version-upgrade stories ("after upgrading to v7.2.149", "更新到7.2.19后", "works in v6.7.25").
import { CJK_RUN, hasCjk } from './cjk.js';

export const SIGNAL_NAMES = ['upgrade', 'token-endpoint'] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

/** Where a route lives: the proxy's management API, the proxy's model API, a provider's token endpoint. */
export type RouteFamily = 'management' | 'api' | 'token-endpoint';

export interface QueryRoute {
  method: string | undefined;
  path: string;
}

export interface Structure {
  routes: QueryRoute[];
  families: Map<RouteFamily, string>;
  codes: Map<string, string>;
  signals: Map<SignalName, string>;
  /** Providers named by their token endpoint's host (oidc.*.amazonaws.com is Kiro's). */
  providers: Map<string, string>;
}

const ROUTE = /(?:\b(get|post|put|patch|delete)\s+)?(\/v\d+(?:beta)?(?:\/[a-z0-9_.{}<>*-]+)*)/g;
/** A URL with a host: scheme optional, a dotted host, an optional port, a path. */
const URL = /(?:https?:\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?::\d+)?(\/[^\s"'<>)\]，。]*)?/g;
/** File names that look like hosts (qwen-x.json, iflow_executor.go, config.yaml). */
const FILE_SUFFIX = /\.(?:json|go|ya?ml|js|ts|txt|log|md|toml|env|sh|exe|py)$/;
/** Hosts of the providers' OAuth token endpoints (the proxy refreshes credentials there). */
const TOKEN_HOSTS =
  /(?:^|\.)(?:oauth2\.googleapis\.com|accounts\.google\.com|amazonaws\.com|awsapps\.com|anthropic\.com|claude\.ai|auth\.openai\.com|iflow\.cn|qwen\.ai|moonshot\.cn|kimi\.com|x\.ai|github\.com)$/;
const HOST_PROVIDERS: [RegExp, string][] = [
  [/(?:googleapis|google)\.com$/, 'gemini'],
  [/(?:amazonaws|awsapps)\.com$/, 'kiro'],
  [/(?:anthropic\.com|claude\.ai)$/, 'claude'],
  [/openai\.com$/, 'codex'],
  [/iflow\.cn$/, 'iflow'],
  [/qwen\.ai$/, 'qwen'],
  [/(?:moonshot\.cn|kimi\.com)$/, 'kimi'],
  [/(?:^|\.)x\.ai$/, 'xai'],
];
const TOKEN_PATH = /\/(?:oauth2?\/)?(?:device\/)?token\b|\/oauth\/|\/refresh_token\b/;

const CODE_TOKEN = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b(?!\.[a-z])/g;
const JSON_CODE = /"(?:code|type|error|status_message|reason|error_code)"\s*:\s*"([a-z][a-z0-9_]*)"/g;
/** A log line that ends in a bare reason: "Suspended client x.json for model y: unauthorized". */
const TRAILING_REASON = /:\s*([a-z][a-z_]{3,})\s*$/gm;

/** A release number: v1.2 or more, or three or more dotted parts (not an IPv4 address). */
const VERSION = /(?<![\d.])v?\d{1,3}\.\d{1,3}\.\d{1,4}(?!\d|\.\d)|(?<![\w.])v\d{1,3}\.\d{1,3}(?!\d|\.\d)/g;
const UPGRADE_WORDS =
  /\b(?:upgrad\w*|updat(?:e|ed|ing)\s+to|after\s+(?:the\s+)?(?:update|version|release)|since\s+(?:the\s+)?(?:update|version|release)|downgrad\w*|revert\w*|roll(?:ed|ing)?\s+back\s+to|works?\s+(?:fine\s+)?(?:in|on|with)|worked\s+(?:fine\s+)?(?:in|on|with)|broke\w*\s+(?:in|since|after)|regression|new(?:er|est)?\s+version|latest\s+version|previous\s+version|older\s+version)\b/;
const UPGRADE_CJK =
  /升级|更新到|更新至|更新了?版本|降级|降回|降到|降至|回退|回滚到|退回|新版本?|旧版本?|版本/;
/** Upgrade cues that need no release number ("after upgrading", "升级后"). */
const UPGRADE_ALONE =
  /\b(?:after\s+(?:upgrading|the\s+upgrade|updating|the\s+update)|since\s+(?:upgrading|the\s+upgrade|the\s+update)|after\s+(?:i|we)\s+(?:upgraded|updated))\b|升级后|升级之后|升级以后|更新版本后|更新后版本|新版本后|回退到|降级后/;

function familyOf(path: string): RouteFamily | undefined {
  if (path.startsWith('/v0/management')) return 'management';
  if (/^\/v\d/.test(path)) return 'api';
  return undefined;
}

function readUrls(lower: string, s: Structure): string {
  if (!/[a-z0-9]\.[a-z]/.test(lower)) return lower;
  return lower.replace(URL, (whole, host: string, path: string | undefined) => {
    if (FILE_SUFFIX.test(host) && path === undefined) return whole;
    const tokenEndpoint =
      (path !== undefined && TOKEN_PATH.test(path) && !path.startsWith('/v0/management')) ||
      (TOKEN_HOSTS.test(host) && (path === undefined || !/^\/v\d+\/(?:chat|messages|models)/.test(path)));
    if (!tokenEndpoint) return whole;
    const reason = `provider token endpoint ${host}${path ?? ''}`.slice(0, 80);
    s.families.set('token-endpoint', reason);
    s.signals.set('token-endpoint', reason);
    const provider = HOST_PROVIDERS.find(([re]) => re.test(host))?.[1];
    if (provider !== undefined && !s.providers.has(provider))
      s.providers.set(provider, `token endpoint of provider ${provider}`);
    return ' ';
  });
}

function readRoutes(text: string, s: Structure): void {
  const routes = new Map<string, QueryRoute>();
  for (const m of text.matchAll(ROUTE)) {
    const route = { method: m[1]?.toUpperCase(), path: (m[2] as string).replace(/[.]+$/, '') };
    routes.set(`${route.method} ${route.path}`, route);
    const family = familyOf(route.path);
    if (family !== undefined && !s.families.has(family)) s.families.set(family, `route ${route.path}`);
  }
  s.routes = [...routes.values()];
}

function readCodes(lower: string, s: Structure): void {
  const add = (code: string, how: string) => {
    if (!s.codes.has(code)) s.codes.set(code, `${how} ${code}`);
  };
  // cheap checks first: most queries have no underscore, quote or colon
  if (lower.includes('_')) for (const m of lower.matchAll(CODE_TOKEN)) add(m[0], 'error code');
  if (lower.includes('"')) for (const m of lower.matchAll(JSON_CODE)) add(m[1] as string, 'error code');
  if (lower.includes(':'))
    for (const m of lower.matchAll(TRAILING_REASON)) add(m[1] as string, 'log line ends in');
}

function readUpgrade(lower: string, s: Structure): void {
  const versions = /\d\.\d/.test(lower)
    ? new Set([...lower.matchAll(VERSION)].map((m) => m[0].replace(/^v/, '')))
    : new Set<string>();
  const cjk = hasCjk(lower) ? [...lower.matchAll(CJK_RUN)].map((m) => m[0]).join(' ') : '';
  const cue = UPGRADE_WORDS.exec(lower)?.[0] ?? UPGRADE_CJK.exec(cjk)?.[0];
  const alone = UPGRADE_ALONE.exec(lower)?.[0];
  const shown = [...versions].slice(0, 2).map((v) => `v${v}`);
  if (versions.size >= 2) s.signals.set('upgrade', `version-upgrade story (${shown.join(', ')})`);
  else if (versions.size === 1 && cue !== undefined)
    s.signals.set('upgrade', `version-upgrade story ("${cue}" ${shown[0]})`);
  else if (alone !== undefined) s.signals.set('upgrade', `version-upgrade story ("${alone}")`);
}

/** Structure first: URLs of token endpoints are taken out so their /v1/... path is not read as the proxy's. */
export function readStructure(lower: string): Structure {
  const s: Structure = {
    routes: [],
    families: new Map(),
    codes: new Map(),
    signals: new Map(),
    providers: new Map(),
  };
  readUpgrade(lower, s);
  const rest = readUrls(lower, s);
  if (rest.includes('/v')) readRoutes(rest, s);
  readCodes(rest, s);
  if (/\btoken\s+endpoint\b/.test(rest) && !s.signals.has('token-endpoint'))
    s.signals.set('token-endpoint', 'mentions the token endpoint');
  return s;
}
