import { type SearchTerms, type Word, words } from '../../store/search-tokens.js';

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

/** The body's words that match one of the search's words (the last one also by prefix, when it is one). */
export function matchedWords(bodyWords: readonly Word[], terms: SearchTerms): Word[] {
  const exact = new Set(terms.folded);
  const last = terms.folded.at(-1);
  return bodyWords.filter((w) => exact.has(w.folded) || (terms.prefix && last !== undefined && w.folded.startsWith(last)));
}

/**
 * Non-negative, higher is better: each word's matches, saturating (a second occurrence adds less than the first),
 * averaged over the words typed; shorter messages rank above long ones that merely contain the
 * words; the words typed as a phrase add a bonus. Rounded, so near-equal scores tie and the
 * newer message comes first.
 */
export function relevance(body: string, terms: SearchTerms): number {
  const bodyWords = words(body);
  if (terms.folded.length === 0 || bodyWords.length === 0) return 0;
  const n = terms.folded.length;
  let sum = 0;
  terms.folded.forEach((term, i) => {
    let tf = 0;
    for (const w of bodyWords) {
      if (w.folded === term) tf += EXACT;
      else if (terms.prefix && i === n - 1 && w.folded.startsWith(term)) tf += PREFIX;
    }
    sum += tf / (tf + 1);
  });
  const lengthFactor = 1 / (1 + Math.log2(1 + bodyWords.length / LENGTH_SCALE));
  const score = (2 * sum * lengthFactor) / n + (n > 1 && hasPhrase(bodyWords, terms) ? PHRASE_BONUS : 0);
  return Math.round(score * 1e6) / 1e6;
}

function hasPhrase(bodyWords: readonly Word[], terms: SearchTerms): boolean {
  const n = terms.folded.length;
  const matches = (w: Word, i: number) =>
    w.folded === terms.folded[i] || (terms.prefix && i === n - 1 && w.folded.startsWith(terms.folded[i]!));
  for (let start = 0; start + n <= bodyWords.length; start++) {
    if (terms.folded.every((_, i) => matches(bodyWords[start + i]!, i))) return true;
  }
  return false;
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
  const matched = matchedWords(bodyWords, terms);
  if (body.length <= SNIPPET_LENGTH) return { snippet: body, highlights: matched.map((w) => [w.start, w.end]) };
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
