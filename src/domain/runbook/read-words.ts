// Turns free text (a query, or a row's own words) into matching features: stemmed terms, status codes,
// providers, routes and issue numbers, each remembering the human-readable reason it was found. Chinese
// words count as terms of their own and, through the runbook's vocabulary, as the English words they mean.
import { type CjkDictionary, isCjkStopWord } from './cjk.js';
import { type QueryRoute, type RouteFamily, readStructure, type SignalName } from './read-structure.js';
import type { SpellingIndex } from './spelling.js';
import {
  PROVIDER_ALIASES,
  STATUS_SYNONYMS,
  type StatusSynonym,
  TERM_SYNONYMS,
  type TermSynonym,
} from './synonyms.js';
import { isCjk, isStopWord, statusCodeOf, stem, tokenize } from './words.js';

export type { QueryRoute } from './read-structure.js';

export interface TermHit {
  /** The word as typed (after spelling correction). */
  word: string;
  /** Why the term is here when it is not the word as typed: a synonym or a close spelling. */
  via: string | undefined;
  /** 1 for a word as typed; less for words implied by a synonym or a corrected spelling. */
  factor: number;
  /** Set for a runbook word found through the vocabulary ("刷新" → "refresh"): it counts in phrases. */
  translated?: true;
}

export interface Features {
  terms: Map<string, TermHit>;
  statuses: Map<number, string>;
  providers: Map<string, string>;
  routes: QueryRoute[];
  issues: Set<number>;
  /** Route families named by paths and URLs (management API, /v1 API, a provider's token endpoint). */
  families: Map<RouteFamily, string>;
  /** Error codes: snake_case codes, JSON "code" values, a log line's trailing reason. */
  codes: Map<string, string>;
  /** Stories read from the whole text: a version upgrade, a provider token endpoint. */
  signals: Map<SignalName, string>;
}

/** One entry of the runbook's vocabulary: what people write (any language) and the runbook word it means. */
export interface GlossaryEntry {
  /** As written in the runbook (shown in reasons). */
  alias: string;
  meaning: string;
  terms: string[];
  statuses: number[];
  providers: string[];
}

/** The runbook's vocabulary, ready to read with. */
export interface Glossary {
  /** Latin aliases by first word, with the whole run of words to find. */
  byFirstWord: ReadonlyMap<string, { words: string[]; entry: GlossaryEntry }[]>;
  /** CJK aliases (spaces removed), found as words by the dictionary split. */
  byCjkWord: ReadonlyMap<string, GlossaryEntry[]>;
  dictionary: CjkDictionary | undefined;
}

/** What the spelling corrector may trust as already known, and the vocabulary. */
export interface Vocabulary {
  spelling: SpellingIndex;
  surfaces: ReadonlySet<string>;
  stems: ReadonlySet<string>;
  glossary: Glossary;
}

const SYNONYM_FACTOR = 0.8;
const CORRECTED_FACTOR = 0.85;
const GLOSSARY_FACTOR = 0.9;

type Synonym = StatusSynonym | TermSynonym;
const SYNONYMS_BY_FIRST_WORD = new Map<string, Synonym[]>();
for (const s of [...STATUS_SYNONYMS, ...TERM_SYNONYMS]) {
  const first = s.words[0] as string;
  SYNONYMS_BY_FIRST_WORD.set(first, [...(SYNONYMS_BY_FIRST_WORD.get(first) ?? []), s]);
}
export const SYNONYM_WORDS: ReadonlySet<string> = new Set(
  [...STATUS_SYNONYMS, ...TERM_SYNONYMS].flatMap((s) => s.words),
);

const ISSUE = /#(\d{1,6})\b/g;

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
    if (isCjk(word)) return;
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

function addMeaning(f: Features, g: GlossaryEntry): void {
  const via = `"${g.alias}" → "${g.meaning}"`;
  for (const t of g.terms) addTerm(f, t, { word: t, via, factor: GLOSSARY_FACTOR, translated: true });
  for (const code of g.statuses) if (!f.statuses.has(code)) f.statuses.set(code, `"${g.alias}" → ${code}`);
  for (const p of g.providers) if (!f.providers.has(p)) f.providers.set(p, `"${g.alias}" → provider ${p}`);
}

/**
 * The runbook's vocabulary: Latin aliases as runs of words (the words still count as themselves), CJK
 * aliases as whole words (read as their meaning only). Returns the positions of the CJK words it read.
 */
function readGlossary(tokens: string[], glossary: Glossary, f: Features): Set<number> {
  const consumed = new Set<number>();
  tokens.forEach((word, i) => {
    if (isCjk(word)) {
      const entries = glossary.byCjkWord.get(word);
      if (entries === undefined) return;
      for (const g of entries) addMeaning(f, g);
      consumed.add(i);
      return;
    }
    for (const { words, entry } of glossary.byFirstWord.get(word) ?? [])
      if (words.every((w, k) => tokens[i + k] === w)) addMeaning(f, entry);
  });
  return consumed;
}

function isWord(word: string): boolean {
  if (isCjk(word)) return word.length > 1 && !isCjkStopWord(word);
  return !isStopWord(word) && !/^\d+$/.test(word) && word.length > 1;
}

/**
 * Reads text into features; with a vocabulary, unknown words are corrected towards known ones. The
 * glossary (the vocabulary's, unless given) reads what people write as the runbook's words.
 */
export function readWords(text: string, vocab?: Vocabulary, glossary = vocab?.glossary): Features {
  const lower = text.toLowerCase();
  const structure = readStructure(lower);
  const f: Features = {
    terms: new Map(),
    statuses: new Map(),
    providers: structure.providers,
    routes: structure.routes,
    issues: new Set(),
    families: structure.families,
    codes: structure.codes,
    signals: structure.signals,
  };
  for (const m of lower.matchAll(ISSUE)) f.issues.add(Number(m[1]));
  const tokens = tokenize(lower.replace(ISSUE, ' '), glossary?.dictionary);
  const corrections = vocab ? correctSpelling(tokens, vocab) : new Map<number, string>();
  const consumed = readSynonyms(tokens, f);
  const translated = glossary ? readGlossary(tokens, glossary, f) : new Set<number>();
  tokens.forEach((word, i) => {
    if (consumed.has(i) || translated.has(i)) return;
    const code = statusCodeOf(word);
    const provider = PROVIDER_ALIASES[word];
    const via = corrections.get(i);
    if (code !== undefined) {
      f.statuses.set(code, `matched status code ${code}`);
    } else if (provider !== undefined) {
      if (!f.providers.has(provider)) f.providers.set(provider, `mentions provider ${provider}`);
    } else if (isWord(word)) {
      addTerm(f, stem(word), { word, via, factor: via === undefined ? 1 : CORRECTED_FACTOR });
    }
  });
  return f;
}
