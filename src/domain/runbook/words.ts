// How people's words are normalised for matching: tokens, a light stemmer, stop words, status codes.
import { type CjkDictionary, hasCjk, segmentCjk } from './cjk.js';

const STOP_WORDS = new Set(
  `a an the is are was were be been being to of and or in on at for with by from as it its this that these
  those i we you they my our your me us do does did has have had having can could should would will just
  very so but if then than there here what which who when where why how all any some not after before
  into out up via per v0 v1 our also still get got keeps keep seems seem appears appear
  too many due please help hi hey there thanks thank ok okay anyone someone why whats what's`.split(/\s+/),
);

/** Words the stemmer would mangle or that should meet a common root. */
const IRREGULAR: Record<string, string> = {
  expiry: 'expir',
  expiration: 'expir',
  expire: 'expir',
  expires: 'expir',
  expired: 'expir',
  expiring: 'expir',
  failure: 'fail',
  failures: 'fail',
  status: 'status',
  statuses: 'status',
  success: 'success',
  access: 'access',
  process: 'process',
  alias: 'alias',
  always: 'always',
  cooling: 'cooldown',
  cooldowns: 'cooldown',
  banned: 'ban',
  bans: 'ban',
  lockout: 'ban',
  relogin: 'login',
  logins: 'login',
};

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** A 3-digit HTTP status (also "401s"), else undefined. */
export function statusCodeOf(word: string): number | undefined {
  const m = /^([2-5]\d\d)s?$/.exec(word);
  return m ? Number(m[1]) : undefined;
}

/** Most CJK characters segmented per text: the ICU segmenter costs about 1 µs a character. */
const MAX_CJK_CHARS = 600;
const TOKEN = /[a-z0-9]+|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;

export function isCjk(word: string): boolean {
  return word.length > 0 && word.charCodeAt(0) > 0x2e7f;
}

/**
 * Lowercase words: letters and digits (everything else, including _ and -, separates), and the words of
 * CJK runs (the dictionary's words first, else as the ICU segmenter splits them), in text order.
 */
export function tokenize(text: string, dictionary?: CjkDictionary): string[] {
  const lower = text.toLowerCase();
  if (!hasCjk(lower)) return lower.match(/[a-z0-9]+/g) ?? [];
  const out: string[] = [];
  let cjkBudget = MAX_CJK_CHARS;
  for (const m of lower.matchAll(TOKEN)) {
    const run = m[0];
    if (!isCjk(run)) out.push(run);
    else if (cjkBudget > 0) {
      cjkBudget -= run.length;
      for (const w of dictionary ? dictionary.split(run) : segmentCjk(run)) out.push(w);
    }
  }
  return out;
}

/** A deliberately small stemmer: enough that refresh/refreshed/refreshing and fail/fails/failed meet. */
export function stem(word: string): string {
  const irregular = IRREGULAR[word];
  if (irregular !== undefined) return irregular;
  if (word.length <= 4 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 5) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (/(?:sh|ch|ss|x)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (/([b-df-hj-np-tv-z])\1$/.test(w) && !/(?:ll|ss)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}
