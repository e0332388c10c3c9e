// Symptom matching: free text in, runbook rows out, ranked, each with the reasons it matched.
//
// Scoring. Each row collects evidence points from the query:
//   a status code it lists 3, a provider it lists 2, a route it lists 3 (a "/prefix/*" route 1),
//   its issue number (#149) 4, each shared word by how rare it is across rows (ln(1 + rows/rows using it),
//   about 0.7-2.7, times 0.6 for symptom words and less for synonyms and corrected spellings), and 0.8
//   per extra word of the longest listed phrase found whole in the query (half that for further phrases);
//   naming a different status code or provider than the row's own costs 1.5.
// score = points / (points + 4): 0..1, rounded to 3 decimals; 0.5 means 4 points.
// A row matches with at least 1.5 points and at least 40% of the best row's points (a bare provider name
// is enough; "hello world" is not). Same input, same output: ties keep the runbook's row order.
import { type IndexedPhrase, type IndexedRow, routeMatches } from './index-rows.js';
import { type Features, readWords } from './read-words.js';
import type { Runbook, RunbookRow } from './schema.js';

export interface RowMatchResult {
  row: RunbookRow;
  /** 0..1, higher is better; see the header comment. */
  score: number;
  reasons: string[];
}

export interface MatchResult {
  query: string;
  /** Best first; empty means nothing in the runbook fits. */
  matches: RowMatchResult[];
}

export interface MatchOptions {
  /** Most rows to return (default 5). */
  limit?: number;
}

const POINTS = {
  status: 3,
  provider: 2,
  route: 3,
  routePrefix: 1,
  issue: 4,
  code: 4,
  upgrade: 5,
  tokenEndpoint: 3,
  phraseWord: 0.8,
  extraPhrase: 0.5,
  mismatch: 1.5,
} as const;
const MAX_PHRASE_REASONS = 2;
const MIN_POINTS = 1.5;
const RELATIVE_CUT = 0.4;
const HALF_SCORE_POINTS = 4;
const MAX_QUERY_CHARS = 4000;

interface Scored {
  entry: IndexedRow;
  points: number;
  reasons: string[];
}

function firstShared<T>(query: Map<T, string>, row: Set<T>): string | undefined {
  for (const [key, reason] of query) if (row.has(key)) return reason;
  return undefined;
}

/**
 * A status code counts only where it came from: a 403 from a provider's token endpoint is not the
 * management API's 403. When the query names route families and the row has some, they must meet.
 */
function familyFits(entry: IndexedRow, q: Features): boolean | undefined {
  if (q.families.size === 0 || entry.families.size === 0) return undefined;
  for (const family of q.families.keys()) if (entry.families.has(family)) return true;
  return false;
}

function scoreStructure(entry: IndexedRow, q: Features, out: Scored): void {
  const code = firstShared(q.codes, entry.codes);
  if (code !== undefined) {
    out.points += POINTS.code;
    out.reasons.push(code);
  }
  const upgrade = entry.signals.has('upgrade') ? q.signals.get('upgrade') : undefined;
  if (upgrade !== undefined) {
    out.points += POINTS.upgrade;
    out.reasons.push(upgrade);
  }
  const endpoint = entry.signals.has('token-endpoint') ? q.signals.get('token-endpoint') : undefined;
  if (endpoint !== undefined) {
    out.points += POINTS.tokenEndpoint;
    out.reasons.push(endpoint);
  }
}

function scoreCategories(entry: IndexedRow, q: Features, out: Scored): void {
  const fits = familyFits(entry, q);
  const status = fits === false ? undefined : firstShared(q.statuses, entry.statuses);
  if (status !== undefined) {
    out.points += POINTS.status;
    out.reasons.push(status);
  } else if (fits === false || (fits === undefined && q.statuses.size > 0 && entry.statuses.size > 0))
    out.points -= POINTS.mismatch;
  const provider = firstShared(q.providers, entry.providers);
  if (provider !== undefined) {
    out.points += POINTS.provider;
    out.reasons.push(provider);
  } else if (q.providers.size > 0 && entry.providers.size > 0) out.points -= POINTS.mismatch;
  const route = entry.routes
    .filter((r) => q.routes.some((qr) => routeMatches(r, qr)))
    .sort((a, b) => b.specificity - a.specificity)[0];
  if (route !== undefined) {
    out.points += route.wildcard ? POINTS.routePrefix : POINTS.route;
    out.reasons.push(`route ${route.text}`);
  }
  const issue = [...q.issues].find((n) => entry.issues.has(n));
  if (issue !== undefined) {
    out.points += POINTS.issue;
    out.reasons.push(`issue #${issue}`);
  }
}

/** Every word, code and provider of the phrase is in the query (plain loops: this runs per row per query). */
function phraseFound(p: IndexedPhrase, q: Features): boolean {
  for (const t of p.terms) if (!q.terms.has(t)) return false;
  for (const s of p.statuses) if (!q.statuses.has(s)) return false;
  for (const v of p.providers) if (!q.providers.has(v)) return false;
  return true;
}

function scoreWords(entry: IndexedRow, q: Features, out: Scored): void {
  const covered = new Set<string>();
  const whole: IndexedPhrase[] = [];
  for (const p of entry.phrases) if (p.size >= 2 && phraseFound(p, q)) whole.push(p);
  whole.sort((a, b) => b.size - a.size);
  whole.forEach((p, i) => {
    out.points += POINTS.phraseWord * (p.size - 1) * (i === 0 ? 1 : POINTS.extraPhrase);
    if (i < MAX_PHRASE_REASONS) out.reasons.push(`phrase "${p.text}"`);
    for (const t of p.terms) covered.add(t);
  });
  const via: string[] = [];
  const plain: string[] = [];
  for (const [term, hit] of q.terms) {
    const weight = entry.terms.get(term);
    if (weight === undefined) continue;
    out.points += weight * hit.factor;
    if (hit.via !== undefined) via.push(hit.via);
    else if (!covered.has(term)) plain.push(`"${hit.word}"`);
  }
  for (const reason of new Set(via)) out.reasons.push(reason);
  if (plain.length > 0) out.reasons.push(`${plain.length === 1 ? 'word' : 'words'} ${plain.join(', ')}`);
}

/** Long pastes keep their head and tail: a log's error line is usually at one end. */
function clip(query: string): string {
  if (query.length <= MAX_QUERY_CHARS) return query;
  const half = MAX_QUERY_CHARS / 2;
  return `${query.slice(0, half)}\n${query.slice(-half)}`;
}

function scoreRows(runbook: Runbook, query: string): Scored[] {
  const q = readWords(clip(query), runbook.index.vocabulary);
  return runbook.index.rows.map((entry) => {
    const out: Scored = { entry, points: 0, reasons: [] };
    scoreStructure(entry, q, out);
    scoreCategories(entry, q, out);
    scoreWords(entry, q, out);
    return out;
  });
}

function rank(scored: Scored[]): Scored[] {
  return [...scored].sort((a, b) => b.points - a.points || a.entry.order - b.entry.order);
}

export function scoreOf(points: number): number {
  return Math.round((1000 * points) / (points + HALF_SCORE_POINTS)) / 1000;
}

/** Ranks the runbook's rows against free text: a status code, a pasted log line, a sentence. */
export function matchRunbook(runbook: Runbook, query: string, options: MatchOptions = {}): MatchResult {
  const ranked = rank(scoreRows(runbook, query));
  const best = ranked[0]?.points ?? 0;
  const matches = ranked
    .filter((s) => s.points >= MIN_POINTS && s.points >= RELATIVE_CUT * best)
    .slice(0, options.limit ?? 5)
    .map((s) => ({ row: s.entry.row, score: scoreOf(s.points), reasons: s.reasons }));
  return { query, matches };
}

/** "Did you mean": the rows nearest to a query that matched nothing (any positive evidence, best first). */
export function closestRows(runbook: Runbook, query: string, n: number): RunbookRow[] {
  return rank(scoreRows(runbook, query))
    .filter((s) => s.points > 0)
    .slice(0, Math.max(0, n))
    .map((s) => s.entry.row);
}
