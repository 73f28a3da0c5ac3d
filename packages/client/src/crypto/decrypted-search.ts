import type { Message } from '@confab/protocol';
import type { CryptoStore } from './crypto-store.js';
import type { QueryStem } from './query-stems.js';
import { decodeContent } from './encrypted-content.js';

/**
 * Search in encrypted conversations, on this device (issue 39, decision 0027 part 3): the server
 * holds only ciphertext, so it runs over the texts this device decrypted (`plain:<conversation>:<seq>`,
 * kept by `EncryptedConversations`), with what a result shows beside them (`about:…`: id, sender,
 * time, thread) kept with each since this was built. Words as the server's (docs/search.md): cut by
 * `Intl.Segmenter`, lower-cased, Latin diacritics removed; every query word must begin a word of the
 * message, and a query word in Chinese, Japanese or Korean may stand anywhere in the text (those
 * are written without spaces, and a dictionary may cut a word differently in the query and the
 * message). A word of the message that has one of a query word's stems matches it too, as on the
 * server: `пятница` finds `пятницу`, `Häuser` finds `Haus`, `회의는` finds `회의` (query-stems.ts).
 */

/** A message found in the decrypted history this device holds. */
export interface DecryptedHit {
  conversationId: string;
  seq: number;
  /** Absent for a text decrypted before this device kept them: then only its place is known. */
  messageId?: string;
  senderId?: string;
  createdAt?: string;
  threadRootId?: string | null;
  /** The text around the first match, `…` where it was cut; `highlights` are `[start, end)` in it (UTF-16). */
  snippet: string;
  highlights: [number, number][];
}

export interface DecryptedSearchOptions {
  /** Only this conversation. */
  conversationId?: string;
  /** At most this many, newest first (default 50). */
  limit?: number;
}

interface About {
  messageId: string;
  senderId: string;
  createdAt: string;
  threadRootId: string | null;
}

const KEYS = {
  plain: (id: string, seq: number) => `plain:${id}:${seq}`,
  about: (id: string, seq: number) => `about:${id}:${seq}`,
};
const SNIPPET = 160;
const BEFORE_MATCH = 40;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
const LATIN_MARKS = /(\p{Script=Latin})\p{M}+/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** Keeps a decrypted text, and what a search result shows of its message. */
export async function keepDecrypted(store: CryptoStore, message: Message, text: Uint8Array): Promise<void> {
  await store.put(KEYS.plain(message.conversationId, message.seq), text);
  const about: About = {
    messageId: message.id,
    senderId: message.senderId,
    createdAt: message.createdAt,
    threadRootId: message.threadRootId,
  };
  await store.put(KEYS.about(message.conversationId, message.seq), new TextEncoder().encode(JSON.stringify(about)));
}

/** Forgets a message's text here (deleted for everyone: no longer shown, nor found). */
export async function forgetDecrypted(store: CryptoStore, conversationId: string, seq: number): Promise<void> {
  await store.delete(KEYS.plain(conversationId, seq));
  await store.delete(KEYS.about(conversationId, seq));
}

export function fold(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(LATIN_MARKS, '$1').normalize('NFC');
}

/** The words of a text, folded, with where each stands in it. */
export function searchWords(text: string): { word: string; start: number; end: number }[] {
  const found: { word: string; start: number; end: number }[] = [];
  for (const s of segmenter.segment(text)) {
    if (s.isWordLike) found.push({ word: fold(s.segment), start: s.index, end: s.index + s.segment.length });
  }
  return found;
}

/** A word of a search: folded, and its stems (none when the stemmers were not asked). */
export interface QueryWord {
  word: string;
  stems: readonly QueryStem[];
}

type StemCheck = (lower: string, folded: string, stems: readonly QueryStem[], fold: (word: string) => string) => boolean;

/**
 * Where each query word matches in `text` (the first place), or undefined when one does not: a
 * word beginning with it (highlighted as typed), else a word with one of its stems (all of it).
 */
export function matchText(text: string, query: readonly QueryWord[], hasStem?: StemCheck): [number, number][] | undefined {
  const words = searchWords(text);
  const folded = fold(text);
  const ranges: [number, number][] = [];
  for (const { word: q, stems } of query) {
    const word = words.find((w) => w.word.startsWith(q));
    if (word) {
      ranges.push([word.start, word.start + Math.min(word.end - word.start, q.length)]);
      continue;
    }
    const stemmed =
      hasStem && stems.length > 0 ? words.find((w) => hasStem(text.slice(w.start, w.end).toLowerCase(), w.word, stems, fold)) : undefined;
    if (stemmed) {
      ranges.push([stemmed.start, stemmed.end]);
      continue;
    }
    // Folding keeps CJK text as it is, so an index in the folded text is one in the text.
    const at = CJK.test(q) && folded.length === text.length ? folded.indexOf(q) : -1;
    if (at < 0) return undefined;
    ranges.push([at, at + q.length]);
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}

/** Messages whose decrypted text has every word of `q`, each as a word's beginning; newest first. */
export async function searchDecrypted(store: CryptoStore, q: string, options: DecryptedSearchOptions = {}): Promise<DecryptedHit[]> {
  const typed = searchWords(q);
  if (typed.length === 0) return [];
  // The stemmers load on the first search, not with the app.
  const { queryStems, hasStem } = await import('./query-stems.js');
  const seen = new Set<string>();
  const query: QueryWord[] = [];
  for (const w of typed) {
    if (seen.has(w.word)) continue;
    seen.add(w.word);
    query.push({ word: w.word, stems: queryStems(q.slice(w.start, w.end).toLowerCase(), fold) });
  }
  const prefix = options.conversationId === undefined ? 'plain:' : `plain:${options.conversationId}:`;
  const keys = await store.keys(prefix);
  const decoder = new TextDecoder();
  const found = await Promise.all(
    keys.map(async (key): Promise<DecryptedHit | undefined> => {
      const place = parsePlace(key);
      const bytes = place && (await store.get(key));
      if (!place || !bytes) return undefined;
      const text = decodeContent(bytes).text ?? '';
      const ranges = matchText(text, query, hasStem);
      if (!ranges) return undefined;
      const aboutBytes = await store.get(KEYS.about(place.conversationId, place.seq));
      const about = aboutBytes ? (JSON.parse(decoder.decode(aboutBytes)) as About) : undefined;
      return { ...place, ...about, ...snippetOf(text, ranges) };
    }),
  );
  return found
    .filter((hit): hit is DecryptedHit => hit !== undefined)
    .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.seq - a.seq)
    .slice(0, options.limit ?? 50);
}

function parsePlace(key: string): { conversationId: string; seq: number } | undefined {
  const at = key.lastIndexOf(':');
  const seq = Number(key.slice(at + 1));
  return at > 'plain:'.length && Number.isInteger(seq) ? { conversationId: key.slice('plain:'.length, at), seq } : undefined;
}

/** The text around the first match, at most SNIPPET code units, with the ranges moved into it. */
function snippetOf(text: string, ranges: [number, number][]): { snippet: string; highlights: [number, number][] } {
  if (text.length <= SNIPPET) return { snippet: text, highlights: ranges };
  const start = Math.max(0, (ranges[0]?.[0] ?? 0) - BEFORE_MATCH);
  const end = Math.min(text.length, start + SNIPPET);
  const lead = start > 0 ? '…' : '';
  const snippet = `${lead}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
  const highlights = ranges
    .filter(([from, to]) => from >= start && to <= end)
    .map(([from, to]): [number, number] => [from - start + lead.length, to - start + lead.length]);
  return { snippet, highlights };
}
