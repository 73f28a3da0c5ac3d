import { type Match, type SearchTerms, type Word, termMatches, words } from '../../store/search-tokens.js';

/**
 * How relevant a message is to a search, and the snippet a client shows. Computed here from the
 * body and the search alone — no corpus statistics — so a message always scores the same for the
 * same search, on either engine: pages of a search are cut by (score, time, id) and never shift.
 */

/** A match made of a whole word counts this much; one made by the typed prefix less. */
const EXACT = 1;
const PREFIX = 0.5;
/** Every word typed, in the order typed, next to each other. */
const PHRASE_BONUS = 0.25;
/** The body length (in words) at which the length penalty halves a score's first part. */
const LENGTH_SCALE = 16;

/** Every place in the body that matches one of the search's words, in order (search-tokens.ts, termMatches). */
export function matchesIn(body: string, bodyWords: readonly Word[], terms: SearchTerms): Match[] {
  const n = terms.terms.length;
  const found = terms.terms.flatMap((term, i) => termMatches(body, bodyWords, term, terms.prefix && i === n - 1));
  // One place matched by two words (a word typed twice, or a stem shared) is highlighted once.
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.start - b.start || b.end - a.end)
    .filter((m) => !seen.has(`${m.start}:${m.end}`) && seen.add(`${m.start}:${m.end}`) !== undefined);
}

/**
 * Non-negative, higher is better: each word's matches, saturating (a second occurrence adds less than the first),
 * averaged over the words typed; shorter messages rank above long ones that merely contain the
 * words; the words typed as a phrase add a bonus. Rounded, so near-equal scores tie and the
 * newer message comes first.
 */
export function relevance(body: string, terms: SearchTerms): number {
  const bodyWords = words(body);
  if (terms.terms.length === 0 || bodyWords.length === 0) return 0;
  const n = terms.terms.length;
  const perTerm = terms.terms.map((term, i) => termMatches(body, bodyWords, term, terms.prefix && i === n - 1));
  let sum = 0;
  for (const found of perTerm) {
    const tf = found.reduce((total, m) => total + (m.exact ? EXACT : PREFIX), 0);
    sum += tf / (tf + 1);
  }
  const lengthFactor = 1 / (1 + Math.log2(1 + bodyWords.length / LENGTH_SCALE));
  const score = (2 * sum * lengthFactor) / n + (n > 1 && hasPhrase(body, perTerm) ? PHRASE_BONUS : 0);
  return Math.round(score * 1e6) / 1e6;
}

/** The words typed, in the order typed, next to each other: nothing but spaces or punctuation between their matches. */
function hasPhrase(body: string, perTerm: readonly Match[][]): boolean {
  const between = (a: Match, b: Match) => b.start >= a.end && !/[\p{L}\p{N}]/u.test(body.slice(a.end, b.start));
  const chain = (from: Match, i: number): boolean =>
    i === perTerm.length || perTerm[i]!.some((next) => between(from, next) && chain(next, i + 1));
  return perTerm[0]!.some((first) => chain(first, 1));
}

/** Longest snippet, UTF-16 code units (before the `…` marks). */
export const SNIPPET_LENGTH = 160;
/** How much of the text before the first match a cut snippet keeps. */
const LEAD = 40;

/**
 * The body itself when short, else a part of it around the first match, cut at word boundaries
 * and marked `…` where cut; with `[start, end)` of each matched word in it. Plain text: a client
 * escapes it as it escapes a body.
 */
export function snippetOf(body: string, terms: SearchTerms): { snippet: string; highlights: [number, number][] } {
  const bodyWords = words(body);
  const matched = matchesIn(body, bodyWords, terms);
  if (body.length <= SNIPPET_LENGTH) return { snippet: body, highlights: matched.map((m) => [m.start, m.end]) };
  const first = matched[0]?.start ?? 0;
  // Start at a word's start (never inside a word or a surrogate pair), keeping some context before the match.
  const start = first <= LEAD ? 0 : (bodyWords.find((w) => w.start >= first - LEAD)?.start ?? first);
  let end = Math.min(body.length, start + SNIPPET_LENGTH);
  if (end < body.length) {
    // End after the last whole word that fits, or (one very long word) at a code point boundary.
    const lastWhole = bodyWords.filter((w) => w.start >= start && w.end <= end).at(-1);
    if (lastWhole) end = lastWhole.end;
    else if (/[\uDC00-\uDFFF]/.test(body[end] ?? '')) end -= 1;
  }
  const lead = start > 0 ? '…' : '';
  const snippet = `${lead}${body.slice(start, end)}${end < body.length ? '…' : ''}`;
  const shift = lead.length - start;
  const highlights = matched.filter((w) => w.start >= start && w.end <= end).map((w): [number, number] => [w.start + shift, w.end + shift]);
  return { snippet, highlights };
}
