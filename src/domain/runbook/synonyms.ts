// What people type instead of the runbook's own words: status-code names, paraphrases, provider aliases.
// Each entry is a run of words (as tokenize() splits them) and what it stands for.

export interface StatusSynonym {
  words: string[];
  status: number;
}

export interface TermSynonym {
  words: string[];
  /** Extra words the phrase implies (already stemmed). */
  terms: string[];
}

const status = (phrase: string, code: number): StatusSynonym => ({ words: phrase.split(' '), status: code });
const term = (phrase: string, ...terms: string[]): TermSynonym => ({ words: phrase.split(' '), terms });

export const STATUS_SYNONYMS: StatusSynonym[] = [
  status('unauthorized', 401),
  status('unauthorised', 401),
  status('unauthenticated', 401),
  status('forbidden', 403),
  status('not found', 404),
  status('notfound', 404),
  status('too many requests', 429),
  status('rate limited', 429),
  status('ratelimited', 429),
  status('throttled', 429),
  status('service unavailable', 503),
  status('bad request', 400),
  status('bad gateway', 502),
  status('internal server error', 500),
];

export const TERM_SYNONYMS: TermSynonym[] = [
  term('by hand', 'manual'),
  term('manually', 'manual'),
  term('no effect', 'ignor'),
  term('does nothing', 'ignor'),
  term('not respected', 'ignor'),
  term('outdated', 'stal'),
  term('not updated', 'stal'),
  term('out of date', 'stal'),
  term('roll back', 'rollback'),
  term('rolled back', 'rollback'),
  term('revert', 'rollback'),
  term('cool down', 'cooldown'),
  term('cooling down', 'cooldown'),
  term('log in', 'login'),
  term('logged in', 'login'),
  term('signed in', 'login'),
  term('sign in', 'login'),
  term('signin', 'login'),
  term('re login', 'login'),
  term('reauth', 'login'),
  term('reauthenticate', 'login'),
  term('private window', 'incognito'),
  term('private mode', 'incognito'),
  term('locked out', 'ban'),
  term('blocked', 'ban'),
  term('stale expiry', 'expir'),
  term('expiry stale', 'expir'),
  term('deploy', 'config', 'chang'),
  term('deployment', 'config', 'chang'),
  term('yaml', 'config'),
  term('spiked', 'spike'),
  term('surge', 'spike'),
  term('started failing', 'spike'),
  term('no longer', 'stop'),
  term('not refreshing', 'stop'),
  term('quota', 'cooldown'),
  term('loopback', 'localhost'),
  term('every day', 'daily'),
  term('every morning', 'daily'),
];

/** Provider names people use, mapped to the proxy's provider string. */
export const PROVIDER_ALIASES: Record<string, string> = {
  kiro: 'kiro',
  iflow: 'iflow',
  claude: 'claude',
  anthropic: 'claude',
  codex: 'codex',
  chatgpt: 'codex',
  gemini: 'gemini',
  geminicli: 'gemini',
  qwen: 'qwen',
  antigravity: 'antigravity',
  kimi: 'kimi',
  xai: 'xai',
  grok: 'xai',
  kilo: 'kilo',
  cursor: 'cursor',
  github: 'github',
  copilot: 'github',
  gitlab: 'gitlab',
};
