// Name lookups: exact (a hash map with a chain through same-named symbols), prefix (a scan), and a
// ranked fuzzy search for the UI's symbol picker. Built on first use, so loading stays cheap.
import { MAX_PATTERN_LENGTH } from "../shared/glob.ts";
import { FLAG_GLOBAL, FLAG_TEXT, type SymbolColumns } from "./columns.ts";

// Fuzzy match tiers (higher is better); the position and gap penalties stay below a tier's width.
const TIER_EXACT = 5000;
const TIER_EXACT_FOLDED = 4000;
const TIER_PREFIX = 3000;
const TIER_WORD = 2000;
const TIER_SUBSTRING = 1000;
const TIER_SUBSEQUENCE = 0;
const TIER_WIDTH = 900;
const CASE_PENALTY = 0.5;
/** Subsequence starts tried per name (each occurrence of the query's first character). */
const MAX_STARTS = 8;

/** A search hit: a symbol index and its score. */
export interface ScoredSymbol {
  readonly index: number;
  readonly score: number;
}

/** Case mismatches seen by the last subsequenceGaps call (CASE_PENALTY or 0). */
let subsequenceCaseMiss = 0;

/**
 * Matches foldedQuery as a subsequence of folded starting at `start` (where the first characters
 * match), greedily; returns the number of gaps, or -1 when it does not match.
 */
function subsequenceGaps(
  name: string,
  folded: string,
  query: string,
  foldedQuery: string,
  start: number,
): number {
  let gaps = 0;
  let at = start;
  subsequenceCaseMiss = name.charCodeAt(at) === query.charCodeAt(0) ? 0 : CASE_PENALTY;
  for (let qi = 1; qi < foldedQuery.length; qi++) {
    const next = folded.indexOf(foldedQuery[qi]!, at + 1);
    if (next < 0) return -1;
    if (next !== at + 1) gaps++;
    if (name.charCodeAt(next) !== query.charCodeAt(qi)) subsequenceCaseMiss = CASE_PENALTY;
    at = next;
  }
  return gaps;
}

/** Half a point less when the match at `at` differs from the query in case (same length otherwise). */
function casePenalty(name: string, query: string, at: number): number {
  return name.startsWith(query, at) ? 0 : CASE_PENALTY;
}

/** True when c is a separator that starts a new word in a symbol name. */
function isWordBreak(c: number): boolean {
  return c === 0x5f || c === 0x2e || c === 0x3a || c === 0x24 || c === 0x40;
}

/**
 * Scores `name` (and its lower-case `folded` form) against the query (`query` and lower-case
 * `foldedQuery`); -1 when it does not match. Exact > case-folded exact > prefix > word start >
 * substring > subsequence; within a tier, earlier and tighter matches and shorter names win.
 */
export function fuzzyScore(name: string, folded: string, query: string, foldedQuery: string): number {
  const extra = Math.min(name.length - query.length, TIER_WIDTH / 3);
  if (name === query) return TIER_EXACT;
  if (folded === foldedQuery) return TIER_EXACT_FOLDED;
  const at = folded.indexOf(foldedQuery);
  if (at === 0) return TIER_PREFIX - extra - casePenalty(name, query, at);
  if (at > 0) {
    let word = at;
    while (word >= 0 && !(word === 0 || isWordBreak(folded.charCodeAt(word - 1)))) {
      word = folded.indexOf(foldedQuery, word + 1);
    }
    if (word >= 0) return TIER_WORD - extra - Math.min(word, TIER_WIDTH / 3) - casePenalty(name, query, word);
    return TIER_SUBSTRING - extra - Math.min(at, TIER_WIDTH / 3) - casePenalty(name, query, at);
  }
  let bestGaps = -1;
  let caseMiss = 0;
  const first = foldedQuery[0]!;
  for (let start = folded.indexOf(first), tries = 0; start >= 0 && tries < MAX_STARTS; tries++) {
    const gaps = subsequenceGaps(name, folded, query, foldedQuery, start);
    if (gaps < 0) break;
    if (bestGaps < 0 || gaps < bestGaps) {
      bestGaps = gaps;
      caseMiss = subsequenceCaseMiss;
    }
    start = folded.indexOf(first, start + 1);
  }
  if (bestGaps < 0) return -1;
  const gaps = bestGaps;
  return TIER_SUBSEQUENCE + Math.max(0, TIER_WIDTH - 1 - gaps * 20 - extra) - caseMiss;
}

/** Name lookups over a SymbolColumns snapshot of `count` symbols. */
export class NameIndex {
  private readonly heads = new Map<string, number>();
  private readonly next: Int32Array;
  private folded: string[] | null = null;

  /** Indexes the first `columns.count` names. */
  constructor(private readonly columns: SymbolColumns) {
    const n = columns.count;
    const names = columns.names();
    this.next = new Int32Array(n).fill(-1);
    const tails = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const name = names[i]!;
      const tail = tails.get(name);
      if (tail === undefined) this.heads.set(name, i);
      else this.next[tail] = i;
      tails.set(name, i);
    }
  }

  /** Every symbol named exactly `name`, in load order. */
  exact(name: string): number[] {
    const out: number[] = [];
    for (let i = this.heads.get(name) ?? -1; i >= 0; i = this.next[i]!) out.push(i);
    return out;
  }

  /** Symbols whose name starts with `prefix`: code first, then shorter names, then by name; at most `limit`. */
  prefix(prefix: string, limit: number): number[] {
    const { flags } = this.columns;
    const names = this.columns.names();
    const hits: number[] = [];
    for (let i = 0; i < this.columns.count; i++) {
      if (names[i]!.startsWith(prefix)) hits.push(i);
    }
    hits.sort((a, b) => {
      const ta = flags[a]! & FLAG_TEXT ? 0 : 1;
      const tb = flags[b]! & FLAG_TEXT ? 0 : 1;
      if (ta !== tb) return ta - tb;
      const na = names[a]!;
      const nb = names[b]!;
      return na.length - nb.length || (na < nb ? -1 : na > nb ? 1 : a - b);
    });
    return hits.slice(0, limit);
  }

  /**
   * The best `limit` fuzzy matches for `query`, best first (ties: code, global, shorter, by name).
   * Only the query's first MAX_PATTERN_LENGTH characters count (a pasted long name still finds
   * itself, by prefix), so one name costs at most name x MAX_PATTERN_LENGTH steps.
   */
  search(fullQuery: string, limit: number): ScoredSymbol[] {
    const query = fullQuery.slice(0, MAX_PATTERN_LENGTH);
    if (query.length === 0 || limit <= 0) return [];
    const { count } = this.columns;
    const names = this.columns.names();
    if (this.folded === null) this.folded = names.slice(0, count).map((n) => n.toLowerCase());
    const folded = this.folded;
    const foldedQuery = query.toLowerCase();
    const hits: ScoredSymbol[] = [];
    let floor = -1;
    for (let i = 0; i < count; i++) {
      const score = fuzzyScore(names[i]!, folded[i]!, query, foldedQuery);
      if (score < 0 || score < floor) continue;
      hits.push({ index: i, score });
      if (hits.length >= limit * 8) {
        hits.sort((a, b) => this.compareHits(a, b));
        hits.length = limit;
        floor = hits[limit - 1]!.score;
      }
    }
    hits.sort((a, b) => this.compareHits(a, b));
    if (hits.length > limit) hits.length = limit;
    return hits;
  }

  /** Orders search hits: score, then code before data, globals first, shorter names, name, index. */
  private compareHits(a: ScoredSymbol, b: ScoredSymbol): number {
    if (a.score !== b.score) return b.score - a.score;
    const { flags } = this.columns;
    const names = this.columns.names();
    const fa = flags[a.index]!;
    const fb = flags[b.index]!;
    const ka = (fa & FLAG_TEXT ? 0 : 2) + (fa & FLAG_GLOBAL ? 0 : 1);
    const kb = (fb & FLAG_TEXT ? 0 : 2) + (fb & FLAG_GLOBAL ? 0 : 1);
    if (ka !== kb) return ka - kb;
    const na = names[a.index]!;
    const nb = names[b.index]!;
    return na.length - nb.length || (na < nb ? -1 : na > nb ? 1 : a.index - b.index);
  }
}
