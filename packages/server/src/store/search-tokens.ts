/**
 * Words of a message or a search, the same way for every engine and language (docs/search.md).
 *
 * A word is a run of letters, digits, combining marks and private-use characters: what SQLite's
 * FTS5 `unicode61` tokenizer treats as token characters (plus the marks, so a Devanagari or Thai
 * word stays whole for highlighting). Folding lower-cases it and removes diacritics from Latin
 * letters only (café → cafe, but Greek tonos and Cyrillic й are kept), which is what FTS5's
 * `remove_diacritics 2` does; PostgreSQL's index is built from these folded words, so both
 * engines match alike and the service highlights what the engine matched.
 */

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const LATIN_MARKS = /(\p{Script=Latin})\p{M}+/gu;

export interface Word {
  /** The word folded (lower case, Latin diacritics removed). */
  folded: string;
  /** Where the word is in the text, in UTF-16 code units (JavaScript string offsets). */
  start: number;
  end: number;
}

const ASCII = /^[\p{ASCII}]*$/u;

export function fold(word: string): string {
  // Most words are ASCII, and have no marks to remove: the two normalisations are most of a search's ranking time.
  if (ASCII.test(word)) return word.toLowerCase();
  return word.toLowerCase().normalize('NFD').replace(LATIN_MARKS, '$1').normalize('NFC');
}

/** The words of `text`, in order, with their offsets. */
export function words(text: string): Word[] {
  const found: Word[] = [];
  for (const match of text.matchAll(WORD)) {
    // A word of marks alone (stray combining characters) matches nothing a person would type.
    const folded = fold(match[0]);
    if (!/[\p{L}\p{N}\p{Co}]/u.test(folded)) continue;
    found.push({ folded, start: match.index, end: match.index + match[0].length });
  }
  return found;
}

/** What a search asks for: every term must be in the message; the last one as a prefix when the person is still typing it. */
export interface SearchTerms {
  /** The words as typed (each engine folds them its own way: FTS5 with its tokenizer, PostgreSQL with `fold`). */
  raw: string[];
  /** The same words folded. */
  folded: string[];
  /** The last word is matched as a prefix: the search did not end with a space or punctuation. */
  prefix: boolean;
}

/**
 * The search's words. A query is never passed to an engine as text: each word becomes a quoted
 * term, so nothing typed can be read as FTS5 or tsquery syntax. The last word is a prefix when
 * the text ends inside it and it has at least `minPrefix` characters (a one-letter prefix would
 * match half the index).
 */
export function searchTerms(q: string, minPrefix = 2): SearchTerms {
  const found = words(q);
  const last = found.at(-1);
  const prefix = last !== undefined && last.end === q.length && [...last.folded].length >= minPrefix;
  return { raw: found.map((w) => q.slice(w.start, w.end)), folded: found.map((w) => w.folded), prefix };
}
