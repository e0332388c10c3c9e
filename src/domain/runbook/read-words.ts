// Turns free text (a query, or a row's own words) into matching features: stemmed terms, status codes,
// providers, routes and issue numbers, each remembering the human-readable reason it was found.
import type { SpellingIndex } from './spelling.js';
import {
  PROVIDER_ALIASES,
  STATUS_SYNONYMS,
  type StatusSynonym,
  TERM_SYNONYMS,
  type TermSynonym,
} from './synonyms.js';
import { isStopWord, statusCodeOf, stem, tokenize } from './words.js';

export interface TermHit {
  /** The word as typed (after spelling correction). */
  word: string;
  /** Why the term is here when it is not the word as typed: a synonym or a close spelling. */
  via: string | undefined;
  /** 1 for a word as typed; less for words implied by a synonym or a corrected spelling. */
  factor: number;
}

export interface QueryRoute {
  method: string | undefined;
  path: string;
}

export interface Features {
  terms: Map<string, TermHit>;
  statuses: Map<number, string>;
  providers: Map<string, string>;
  routes: QueryRoute[];
  issues: Set<number>;
}

/** What the spelling corrector may trust as already known. */
export interface Vocabulary {
  spelling: SpellingIndex;
  surfaces: ReadonlySet<string>;
  stems: ReadonlySet<string>;
}

const SYNONYM_FACTOR = 0.8;
const CORRECTED_FACTOR = 0.85;

type Synonym = StatusSynonym | TermSynonym;
const SYNONYMS_BY_FIRST_WORD = new Map<string, Synonym[]>();
for (const s of [...STATUS_SYNONYMS, ...TERM_SYNONYMS]) {
  const first = s.words[0] as string;
  SYNONYMS_BY_FIRST_WORD.set(first, [...(SYNONYMS_BY_FIRST_WORD.get(first) ?? []), s]);
}
export const SYNONYM_WORDS: ReadonlySet<string> = new Set(
  [...STATUS_SYNONYMS, ...TERM_SYNONYMS].flatMap((s) => s.words),
);

const ROUTE = /(?:\b(get|post|put|patch|delete)\s+)?(\/v\d+(?:\/[a-z0-9_.{}<>*-]+)*)/g;
const ISSUE = /#(\d{1,6})\b/g;

function readRoutes(lower: string): QueryRoute[] {
  const routes = new Map<string, QueryRoute>();
  for (const m of lower.matchAll(ROUTE)) {
    const route = { method: m[1]?.toUpperCase(), path: (m[2] as string).replace(/[.]+$/, '') };
    routes.set(`${route.method} ${route.path}`, route);
  }
  return [...routes.values()];
}

function isKnown(word: string, vocab: Vocabulary): boolean {
  return (
    vocab.surfaces.has(word) ||
    vocab.stems.has(stem(word)) ||
    SYNONYM_WORDS.has(word) ||
    PROVIDER_ALIASES[word] !== undefined ||
    isStopWord(word) ||
    /\d/.test(word)
  );
}

function correctSpelling(tokens: string[], vocab: Vocabulary): Map<number, string> {
  const corrected = new Map<number, string>();
  const seen = new Map<string, string | undefined>();
  tokens.forEach((word, i) => {
    if (!seen.has(word)) seen.set(word, isKnown(word, vocab) ? undefined : vocab.spelling.correct(word));
    const fix = seen.get(word);
    if (fix !== undefined) {
      corrected.set(i, `close spelling "${word}" → "${fix}"`);
      tokens[i] = fix;
    }
  });
  return corrected;
}

function addTerm(f: Features, term: string, hit: TermHit): void {
  const had = f.terms.get(term);
  if (had === undefined || had.factor < hit.factor) f.terms.set(term, hit);
}

/** Applies synonyms; returns the positions of words that named a status code (not read as words too). */
function readSynonyms(tokens: string[], f: Features): Set<number> {
  const consumed = new Set<number>();
  tokens.forEach((word, i) => {
    for (const s of SYNONYMS_BY_FIRST_WORD.get(word) ?? []) {
      if (!s.words.every((w, k) => tokens[i + k] === w)) continue;
      const phrase = s.words.join(' ');
      if ('status' in s) {
        if (!f.statuses.has(s.status)) f.statuses.set(s.status, `synonym "${phrase}" → ${s.status}`);
        for (let k = 0; k < s.words.length; k++) consumed.add(i + k);
      } else {
        for (const t of s.terms)
          addTerm(f, t, { word: t, via: `synonym "${phrase}" → "${t}"`, factor: SYNONYM_FACTOR });
      }
    }
  });
  return consumed;
}

/** Reads text into features; with a vocabulary, unknown words are corrected towards known ones. */
export function readWords(text: string, vocab?: Vocabulary): Features {
  const lower = text.toLowerCase();
  const f: Features = {
    terms: new Map(),
    statuses: new Map(),
    providers: new Map(),
    routes: [],
    issues: new Set(),
  };
  for (const m of lower.matchAll(ISSUE)) f.issues.add(Number(m[1]));
  f.routes = readRoutes(lower);
  const tokens = tokenize(lower.replace(ISSUE, ' '));
  const corrections = vocab ? correctSpelling(tokens, vocab) : new Map<number, string>();
  const consumed = readSynonyms(tokens, f);
  tokens.forEach((word, i) => {
    if (consumed.has(i)) return;
    const code = statusCodeOf(word);
    const provider = PROVIDER_ALIASES[word];
    const via = corrections.get(i);
    if (code !== undefined) {
      f.statuses.set(code, `matched status code ${code}`);
    } else if (provider !== undefined) {
      if (!f.providers.has(provider)) f.providers.set(provider, `mentions provider ${provider}`);
    } else if (!isStopWord(word) && !/^\d+$/.test(word) && word.length > 1) {
      addTerm(f, stem(word), { word, via, factor: via === undefined ? 1 : CORRECTED_FACTOR });
    }
  });
  return f;
}
