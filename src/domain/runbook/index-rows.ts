// Precomputes, once per loaded runbook, everything a query is compared against: each row's weighted
// terms (inverse row frequency, so words every row uses count little), phrases, codes, providers, routes.
import { CjkDictionary, hasCjk } from './cjk.js';
import type { RouteFamily, SignalName } from './read-structure.js';
import {
  type Glossary,
  type GlossaryEntry,
  type QueryRoute,
  readWords,
  SYNONYM_WORDS,
  type Vocabulary,
} from './read-words.js';
import type { RunbookRow } from './schema.js';
import { SpellingIndex } from './spelling.js';
import { PROVIDER_ALIASES } from './synonyms.js';
import { isCjk, tokenize } from './words.js';

export interface IndexedPhrase {
  text: string;
  terms: string[];
  statuses: number[];
  providers: string[];
  /** Words + codes + providers: how many things the query must contain for the phrase to count. */
  size: number;
}

export interface IndexedRoute {
  text: string;
  method: string | undefined;
  pattern: RegExp;
  /** A "/prefix/*" route: weaker evidence than a whole path. */
  wildcard: boolean;
  /** Higher for routes that say more (a method, no wildcard, a longer path); the best match is reported. */
  specificity: number;
}

export interface IndexedRow {
  row: RunbookRow;
  order: number;
  /** stem → weight */
  terms: Map<string, number>;
  phrases: IndexedPhrase[];
  statuses: Set<number>;
  providers: Set<string>;
  routes: IndexedRoute[];
  issues: Set<number>;
  codes: Set<string>;
  signals: Set<SignalName>;
  /** Route families of the row's routes, plus token-endpoint when the row listens for it. */
  families: Set<RouteFamily>;
}

export interface RunbookIndex {
  rows: IndexedRow[];
  vocabulary: Vocabulary;
}

/** How much a word counts by where the row says it. */
const KEYWORD_WEIGHT = 1;
const PHRASE_WORD_WEIGHT = 0.8;
const SYMPTOM_WEIGHT = 0.6;

function compileRoute(text: string): IndexedRoute {
  const m = /^(?:(GET|POST|PUT|PATCH|DELETE)\s+)?(\S+)$/i.exec(text.trim());
  const path = (m?.[2] ?? text).toLowerCase().replace(/\/+$/, '');
  const source = path
    .split(/(\{[^}]*\}|<[^>]*>|\*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (/^[{<]/.test(part)) return '[^/]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  const method = m?.[1]?.toUpperCase();
  const wildcard = path.includes('*');
  const specificity = (wildcard ? 0 : 1000) + (method === undefined ? 0 : 500) + path.length;
  return { text: text.trim(), method, pattern: new RegExp(`^${source}/?$`), wildcard, specificity };
}

export function routeMatches(route: IndexedRoute, query: QueryRoute): boolean {
  if (route.method !== undefined && query.method !== undefined && route.method !== query.method) return false;
  return route.pattern.test(query.path.replace(/[?#].*$/, ''));
}

function indexRow(row: RunbookRow, order: number, glossary: Glossary): IndexedRow {
  const raw = new Map<string, number>();
  const providers = new Set(row.match.providers);
  const take = (text: string, weight: number): IndexedPhrase => {
    const f = readWords(text, undefined, glossary);
    for (const p of f.providers.keys()) providers.add(p);
    for (const [term, hit] of f.terms) raw.set(term, Math.max(raw.get(term) ?? 0, weight * hit.factor));
    const direct = [...f.terms]
      .filter(([, hit]) => hit.via === undefined || hit.translated)
      .map(([term]) => term);
    const statuses = [...f.statuses.keys()];
    const named = [...f.providers.keys()];
    return {
      text,
      terms: direct,
      statuses,
      providers: named,
      size: direct.length + statuses.length + named.length,
    };
  };
  take(row.symptom, SYMPTOM_WEIGHT);
  for (const k of row.match.keywords) take(k, KEYWORD_WEIGHT);
  const phrases = row.match.phrases.map((text) => take(text, PHRASE_WORD_WEIGHT));
  const issues = readWords(`${row.symptom} ${row.scope ?? ''}`).issues;
  const routes = row.match.routes.map(compileRoute);
  const signals = new Set(row.match.signals ?? []);
  const families = new Set<RouteFamily>();
  for (const r of routes) {
    const path = r.text.replace(/^\S+\s+/, '');
    if (path.startsWith('/v0/management')) families.add('management');
    else if (/^\/v\d/.test(path)) families.add('api');
  }
  if (signals.has('token-endpoint')) families.add('token-endpoint');
  return {
    row,
    order,
    terms: raw,
    phrases,
    statuses: new Set(row.match.status),
    providers,
    routes,
    issues,
    codes: new Set(row.match.codes ?? []),
    signals,
    families,
  };
}

/** Points for a word only one row uses; a word every row uses gets less (by ln(1 + rows/users)). */
const RARE_WORD_POINTS = 2.7;

/** Scales term weights by rarity, normalised so a small runbook's unique words count as much as a big one's. */
function weighByRarity(rows: IndexedRow[]): void {
  const df = new Map<string, number>();
  for (const r of rows) for (const t of r.terms.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const unique = Math.log(1 + rows.length);
  for (const r of rows) {
    for (const [t, w] of r.terms) {
      r.terms.set(t, (w * RARE_WORD_POINTS * Math.log(1 + rows.length / (df.get(t) ?? 1))) / unique);
    }
  }
}

type VocabularyField = Readonly<Record<string, readonly string[]>>;

/** The CJK words the runbook itself uses: vocabulary aliases, and each space-separated CJK word of its rows. */
function cjkWordsOf(rows: readonly RunbookRow[], vocabulary: VocabularyField): string[] {
  const words: string[] = [];
  for (const aliases of Object.values(vocabulary))
    for (const a of aliases) if (hasCjk(a)) words.push(a.toLowerCase().replace(/\s+/g, ''));
  for (const row of rows)
    for (const text of [...row.match.phrases, ...row.match.keywords])
      for (const chunk of text.toLowerCase().split(/\s+/))
        if (isCjk(chunk) && hasCjk(chunk) && !/[a-z0-9]/.test(chunk)) words.push(chunk);
  return words;
}

/** Each vocabulary alias, read once: the runbook word's features, found by its first word or as a CJK word. */
function compileGlossary(rows: readonly RunbookRow[], vocabulary: VocabularyField): Glossary {
  const byFirstWord = new Map<string, { words: string[]; entry: GlossaryEntry }[]>();
  const byCjkWord = new Map<string, GlossaryEntry[]>();
  for (const [meaning, aliases] of Object.entries(vocabulary)) {
    const f = readWords(meaning);
    const terms = [...f.terms.keys()];
    const statuses = [...f.statuses.keys()];
    const providers = [...f.providers.keys()];
    for (const alias of aliases) {
      const entry = { alias, meaning, terms, statuses, providers };
      if (hasCjk(alias)) {
        const word = alias.toLowerCase().replace(/\s+/g, '');
        byCjkWord.set(word, [...(byCjkWord.get(word) ?? []), entry]);
        continue;
      }
      const words = tokenize(alias);
      const first = words[0];
      if (first !== undefined) byFirstWord.set(first, [...(byFirstWord.get(first) ?? []), { words, entry }]);
    }
  }
  const cjk = cjkWordsOf(rows, vocabulary);
  return { byFirstWord, byCjkWord, dictionary: cjk.length > 0 ? new CjkDictionary(cjk) : undefined };
}

export function indexRunbook(rows: readonly RunbookRow[], vocabulary: VocabularyField = {}): RunbookIndex {
  const glossary = compileGlossary(rows, vocabulary);
  const indexed = rows.map((row, i) => indexRow(row, i, glossary));
  weighByRarity(indexed);
  const surfaces = new Set<string>();
  for (const row of rows) {
    const m = row.match;
    for (const w of tokenize([row.symptom, ...m.keywords, ...m.phrases].join(' '))) surfaces.add(w);
  }
  for (const w of SYNONYM_WORDS) surfaces.add(w);
  for (const w of Object.keys(PROVIDER_ALIASES)) surfaces.add(w);
  for (const runs of glossary.byFirstWord.values())
    for (const { words } of runs) for (const w of words) surfaces.add(w);
  const stems = new Set(indexed.flatMap((r) => [...r.terms.keys()]));
  const spellable = [...surfaces].filter((w) => !/\d/.test(w) && !isCjk(w));
  return { rows: indexed, vocabulary: { spelling: new SpellingIndex(spellable), surfaces, stems, glossary } };
}
