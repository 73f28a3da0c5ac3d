/**
 * Words and index tokens of a message or a search, the same way for every engine and language
 * (docs/search.md, decision 0024). The engines never tokenize text themselves: they index the
 * tokens made here (FTS5 through its `ascii` tokenizer, which leaves them whole; PostgreSQL as
 * `tsvector` lexemes; InnoDB FULLTEXT likewise), and a search hands them the tokens of its words,
 * so all of them answer a query with the same hits.
 *
 * A word is a run of letters, digits, combining marks and private-use characters; a run of a
 * script written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) is cut into words
 * by `Intl.Segmenter` (ICU's dictionaries). Folding lower-cases a word and removes diacritics from
 * Latin letters only (café → cafe; Greek tonos and Cyrillic й are kept).
 *
 * A message's tokens are its folded words; their stems in the message's language(s)
 * (store/search/languages.ts); Korean words without their particles; and the character bigrams of
 * every CJK run, so that any two characters typed find the text whatever the dictionary made of it.
 */
import { koreanStem } from '@confab/protocol';
import { ALL_STEMMERS, type Stemmer, stemmersFor } from './search/languages.js';

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const LATIN_MARKS = /(\p{Script=Latin})\p{M}+/gu;
/** Scripts written without spaces between words: such a run goes to the segmenter. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
/** A CJK (or Hangul) letter: its runs are also indexed as character bigrams. */
const CJK_LETTER = /(?=[\p{L}\p{M}])[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]/u;
const CJK_RUN = /(?:(?=[\p{L}\p{M}])[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}])+/gu;
/** Words the Snowball stemmers know what to do with: Latin, Cyrillic or Arabic letters. */
const STEMMABLE = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Arabic}]/u;
const TOKEN = /^[\p{L}\p{N}\p{M}\p{Co}]+$/u;
/** PostgreSQL refuses a lexeme longer than this ("word is too long"): no engine indexes such a token. */
export const MAX_TOKEN_BYTES = 2047;

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

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
  const add = (word: string, start: number) => {
    const folded = fold(word);
    // A word of marks alone (stray combining characters) matches nothing a person would type.
    if (/[\p{L}\p{N}\p{Co}]/u.test(folded)) found.push({ folded, start, end: start + word.length });
  };
  for (const match of text.matchAll(WORD)) {
    if (!UNSPACED.test(match[0])) add(match[0], match.index);
    else for (const s of segmenter.segment(match[0])) if (s.isWordLike) add(s.segment, match.index + s.index);
  }
  return found;
}

const isCjk = (word: string) => [...word].every((c) => CJK_LETTER.test(c));

/** Every bigram of a run of characters (the run itself when it has two, nothing when one). */
function bigrams(run: string): string[] {
  const chars = [...run];
  const found: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) found.push(chars[i]! + chars[i + 1]!);
  return found;
}

const usable = (token: string) => token !== '' && TOKEN.test(token) && Buffer.byteLength(token) <= MAX_TOKEN_BYTES;

/** A word's stems (folded) by the given stemmers, and a Korean word without its particle. */
function stemsOf(word: Word, text: string, stemmers: () => readonly Stemmer[]): string[] {
  const korean = koreanStem(word.folded);
  if (korean !== undefined) return [korean];
  if (!STEMMABLE.test(word.folded)) return [];
  const lower = text.slice(word.start, word.end).toLowerCase();
  return stemmers().flatMap((stem) => {
    try {
      return [fold(stem(lower))];
    } catch {
      // A stemmer that fails on a word (a port's bug) gives it no stem: the word itself is indexed.
      return [];
    }
  });
}

/** What a message is indexed as: its distinct tokens. */
export function indexTokens(body: string): string[] {
  const tokens = new Set<string>();
  let stemmers: readonly Stemmer[] | undefined;
  const lazyStemmers = () => (stemmers ??= stemmersFor(body));
  for (const word of words(body)) {
    tokens.add(word.folded);
    for (const stem of stemsOf(word, body, lazyStemmers)) tokens.add(stem);
  }
  for (const run of body.matchAll(CJK_RUN)) for (const pair of bigrams(run[0])) tokens.add(pair);
  return [...tokens].filter(usable);
}

/** One word of a search, and what it matches. */
export interface SearchTerm {
  /** The word folded, as the service highlights it. */
  word: string;
  /** Tokens any one of which matches: the word, its stems in every language, a Korean word without its particle. */
  tokens: string[];
  /** A CJK run of three or more characters also matches when the text has all its bigrams. */
  bigrams: string[];
}

/** What a search asks for: every term must be in the message; the last one as a prefix when the person is still typing it. */
export interface SearchTerms {
  /** The words as typed. */
  raw: string[];
  /** The same words folded. */
  folded: string[];
  terms: SearchTerm[];
  /** The last word is matched as a prefix (of its folded form): the search did not end with a space or punctuation. */
  prefix: boolean;
}

/**
 * The search's words. A query is never passed to an engine as text: each word becomes quoted
 * tokens, so nothing typed can be read as FTS5, tsquery or FULLTEXT syntax. A run of CJK
 * characters is one word, whatever the segmenter makes of it (it cuts a short query differently
 * from the sentence it is in): it matches as itself or as all its bigrams. The last word is a
 * prefix when the text ends inside it and it has at least `minPrefix` characters (a one-letter
 * prefix would match half the index).
 */
export function searchTerms(q: string, minPrefix = 2): SearchTerms {
  const found: Word[] = [];
  for (const word of words(q)) {
    const last = found.at(-1);
    if (last !== undefined && last.end === word.start && isCjk(last.folded) && isCjk(word.folded))
      found[found.length - 1] = { folded: last.folded + word.folded, start: last.start, end: word.end };
    else found.push(word);
  }
  const last = found.at(-1);
  const prefix = last !== undefined && last.end === q.length && [...last.folded].length >= minPrefix;
  const terms = found.map((word): SearchTerm => {
    const tokens = new Set([word.folded, ...stemsOf(word, q, () => ALL_STEMMERS)]);
    const pairs = isCjk(word.folded) && [...word.folded].length >= 3 ? bigrams(word.folded) : [];
    return { word: word.folded, tokens: [...tokens].filter(usable), bigrams: pairs };
  });
  return { raw: found.map((w) => q.slice(w.start, w.end)), folded: found.map((w) => w.folded), terms, prefix };
}

/** Where a term matches in a body: `exact` a whole word (or its stem), else by the typed prefix. */
export interface Match {
  start: number;
  end: number;
  exact: boolean;
}

/** Each word's tokens in every language (bounded: cleared when full), for ranking and highlighting. */
const everyStem = new Map<string, Set<string>>();
function anyStems(word: Word, body: string): Set<string> {
  const key = body.slice(word.start, word.end);
  let stems = everyStem.get(key);
  if (stems === undefined) {
    if (everyStem.size >= 50_000) everyStem.clear();
    stems = new Set([word.folded, ...stemsOf(word, body, () => ALL_STEMMERS)]);
    everyStem.set(key, stems);
  }
  return stems;
}

/**
 * The places in `body` that match `term` (words from `words(body)`), in order: a word whose
 * tokens meet the term's, a CJK term wherever its characters are, the last word typed as a
 * prefix. What the engines matched, seen from the body: the service ranks and highlights by it.
 */
export function termMatches(body: string, bodyWords: readonly Word[], term: SearchTerm, prefix: boolean): Match[] {
  if (isCjk(term.word)) {
    const found: Match[] = [];
    for (let at = body.indexOf(term.word); at >= 0; at = body.indexOf(term.word, at + term.word.length))
      found.push({ start: at, end: at + term.word.length, exact: true });
    return found;
  }
  const wanted = new Set(term.tokens);
  return bodyWords.flatMap((w): Match[] => {
    if (wanted.has(w.folded)) return [{ start: w.start, end: w.end, exact: true }];
    if (prefix && w.folded.startsWith(term.word)) return [{ start: w.start, end: w.end, exact: false }];
    for (const stem of anyStems(w, body)) if (wanted.has(stem)) return [{ start: w.start, end: w.end, exact: true }];
    return [];
  });
}
