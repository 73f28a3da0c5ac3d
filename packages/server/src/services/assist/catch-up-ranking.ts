import { words } from '../../store/search-tokens.js';
import { MENTION } from '../messaging/mentions.js';
import { isQuestion } from './asks.js';

/**
 * Catch-up's extractive summary (issue 40): TextRank over the sentences of the messages I missed.
 * A sentence is a node — repeats of it (the same folded words: case, accents and punctuation
 * aside) one node, quoting its first, its repeats a boost; two sentences are linked by the words
 * they share (the search tokenizer's folded words, `Intl.Segmenter` for unspaced scripts), each
 * shared word weighed by its rarity (idf), so "the", "и", "的" link little without a stop-word
 * list per language; PageRank over that graph, then boosts for what a reader must not miss. The
 * summary quotes sentences exactly as written, never anything no one wrote.
 */

export interface SummaryMessage {
  id: string;
  seq: number;
  body: string;
  pinned: boolean;
  mentionsMe: boolean;
}

export interface SummarySentence {
  messageId: string;
  seq: number;
  text: string;
}

export const MAX_SUMMARY_SENTENCES = 5;
/** Distinct sentences past this many (the newest kept) are not ranked. */
const MAX_SENTENCES = 1500;
/**
 * The graph's work: pairs of sentences linked through a shared word, summed over words, rarest
 * words first; the commoner words past this budget add no edges (they say least). Bounds the cost
 * whatever the text: 500 messages of varied chat stay far below it.
 */
export const MAX_LINKED_PAIRS = 60_000;
const DAMPING = 0.85;
const ITERATIONS = 30;
/** PageRank stops early once no rank moves more than this in an iteration. */
const CONVERGED = 1e-4;

/** What a decision or a plan looks like: "we'll", "decided", a day or a date, in the five languages. */
const DECISION =
  /(?<![\p{L}\p{N}])(we'll|we will|we're going to|decided|agreed|let's|deadline|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|next week|decidimos|acordamos|vamos a|mañana|lunes|martes|miércoles|jueves|viernes|решили|договорились|давайте|завтра|понедельник|вторник|среду|четверг|пятницу|дедлайн)(?![\p{L}\p{N}])|決定|決めました|決まりました|明日|来週|締め切り|决定|确定|定了|明天|下周|截止|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?|\d{1,2}:\d{2}|\d{1,2}月\d{1,2}日/iu;
const LINK = /https?:\/\/\S+/iu;

const BOOST = { mentionsMe: 1, pinned: 1, decision: 0.75, question: 0.5, link: 0.3 };
/** Said again by several: a quarter per doubling, at most 1 (as much as a mention of me). */
const repeatBoost = (repeats: number) => Math.min(1, 0.25 * Math.log2(repeats));

/** A distinct sentence: its first occurrence (quoted), how often it was written, its strongest boost. */
export interface RankedSentence extends SummarySentence {
  order: number;
  tokens: Set<string>;
  boost: number;
  repeats: number;
}

/**
 * How alike two sentences are (0: not linked, up to 1), when something better than shared words is
 * at hand (a local model); undefined: shared words for these sentences (too many, say).
 */
export type SentenceSimilarity = (sentences: readonly RankedSentence[]) => Promise<((i: number, j: number) => number) | undefined>;

const segmenter = new Intl.Segmenter('und', { granularity: 'sentence' });

/** A link still running at the end of a segment: the segmenter cut inside it ("…/notes?" | "id=42"). */
const LINK_AT_END = /https?:\/\/\S*$/u;

/** The sentences of a body, trimmed, each a substring of it (and not yet known to have words). */
function* segments(body: string): Generator<string> {
  for (const line of body.split('\n')) {
    let pending = '';
    for (const { segment } of segmenter.segment(line)) {
      pending += segment;
      if (LINK_AT_END.test(pending)) continue;
      const text = pending.trim();
      pending = '';
      if (text !== '') yield text;
    }
    const rest = pending.trim();
    if (rest !== '') yield rest;
  }
}

/** The sentences of a body, trimmed, each a substring of it. */
export function sentencesOf(body: string): string[] {
  return [...segments(body)].filter((text) => words(text).length > 0);
}

/** What a sentence's text alone says: its words, the words that make it "the same" as another, its boosts. */
interface TextFacts {
  folded: string[];
  /** Its folded words without @mentions: "@ana the build is red" repeats "The build is red!". */
  key: string;
  boost: number;
}

function factsOf(text: string): TextFacts {
  const folded = words(text).map((w) => w.folded);
  const unmentioned = words(text.replace(MENTION, ' ')).map((w) => w.folded);
  const boost = (DECISION.test(text) ? BOOST.decision : 0) + (isQuestion(text) ? BOOST.question : 0) + (LINK.test(text) ? BOOST.link : 0);
  return { folded, key: (unmentioned.length > 0 ? unmentioned : folded).join(' '), boost };
}

/** The best sentences, at most `max` and one per message, in the order they were written. */
export function summarize(messages: readonly SummaryMessage[], max = MAX_SUMMARY_SENTENCES): SummarySentence[] {
  const sentences = collect(messages);
  return choose(sentences, textRank(sentences, tokenEdges(sentences)), max);
}

/**
 * As `summarize`, with the sentences linked by `similarity` (a local model's cosine) instead of
 * shared words; shared words again when it fails (`onError` told).
 */
export async function summarizeWith(
  messages: readonly SummaryMessage[],
  similarity: SentenceSimilarity,
  onError: (error: unknown) => void,
  max = MAX_SUMMARY_SENTENCES,
): Promise<SummarySentence[]> {
  const sentences = collect(messages);
  let alike: ((i: number, j: number) => number) | undefined;
  try {
    if (sentences.length > 1) alike = await similarity(sentences);
  } catch (error) {
    onError(error);
  }
  const edges = alike ? similarityEdges(sentences, alike) : tokenEdges(sentences);
  return choose(sentences, textRank(sentences, edges), max);
}

function choose(sentences: readonly RankedSentence[], scores: readonly number[], max: number): SummarySentence[] {
  const ranked = sentences
    .map((s, i) => ({ s, score: scores[i]! * (1 + s.boost + repeatBoost(s.repeats)) }))
    .sort((x, y) => y.score - x.score || x.s.order - y.s.order);
  const chosen: RankedSentence[] = [];
  const seenMessages = new Set<string>();
  for (const { s } of ranked) {
    if (chosen.length === max) break;
    if (seenMessages.has(s.messageId)) continue;
    seenMessages.add(s.messageId);
    chosen.push(s);
  }
  return chosen.sort((x, y) => x.order - y.order).map(({ messageId, seq, text }) => ({ messageId, seq, text }));
}

/** The distinct sentences, in the order first written: repeats merged into their first. */
function collect(messages: readonly SummaryMessage[]): RankedSentence[] {
  const byWords = new Map<string, RankedSentence>();
  // Chat repeats itself: each distinct text is tokenized and tested once.
  const known = new Map<string, TextFacts>();
  for (const m of messages) {
    const base = (m.mentionsMe ? BOOST.mentionsMe : 0) + (m.pinned ? BOOST.pinned : 0);
    for (const text of segments(m.body)) {
      let facts = known.get(text);
      if (!facts) known.set(text, (facts = factsOf(text)));
      if (facts.folded.length === 0) continue;
      const boost = base + facts.boost;
      const seen = byWords.get(facts.key);
      if (seen) {
        seen.repeats += 1;
        seen.boost = Math.max(seen.boost, boost);
      } else {
        const order = byWords.size;
        byWords.set(facts.key, { messageId: m.id, seq: m.seq, text, order, tokens: new Set(facts.folded), boost, repeats: 1 });
      }
    }
  }
  return [...byWords.values()].slice(-MAX_SENTENCES);
}

type Edges = Map<number, number>[];

/** Edges between sentences sharing words (an inverted index, not n² pairs), rarest words first, within MAX_LINKED_PAIRS. */
function tokenEdges(sentences: readonly RankedSentence[]): Edges {
  const n = sentences.length;
  const postings = new Map<string, number[]>();
  sentences.forEach((s, i) => {
    for (const t of s.tokens) {
      let list = postings.get(t);
      if (!list) postings.set(t, (list = []));
      list.push(i);
    }
  });
  const edges: Edges = sentences.map(() => new Map());
  // A word in most sentences tells them apart no better than none (and would cost its square).
  const linking = [...postings.values()]
    .filter((list) => list.length >= 2 && (list.length === 2 || list.length <= Math.min(n / 2, 200)))
    .sort((a, b) => a.length - b.length);
  let budget = MAX_LINKED_PAIRS;
  for (const list of linking) {
    const pairs = (list.length * (list.length - 1)) / 2;
    if (pairs > budget) break; // every word after this one is as common or commoner
    budget -= pairs;
    const w = Math.log(1 + n / list.length);
    for (let a = 0; a < list.length; a++)
      for (let b = a + 1; b < list.length; b++) {
        const i = list[a]!;
        const j = list[b]!;
        edges[i]!.set(j, (edges[i]!.get(j) ?? 0) + w);
        edges[j]!.set(i, (edges[j]!.get(i) ?? 0) + w);
      }
  }
  // TextRank's normalisation: long sentences share more words by length alone.
  edges.forEach((row, i) => {
    for (const [j, w] of row) row.set(j, w / (Math.log(sentences[i]!.tokens.size + 1) + Math.log(sentences[j]!.tokens.size + 1)));
  });
  return edges;
}

/** Edges weighed by a similarity; a pair it gives 0 (or less) is not linked. */
function similarityEdges(sentences: readonly RankedSentence[], similarity: (i: number, j: number) => number): Edges {
  const edges: Edges = sentences.map(() => new Map());
  for (let i = 0; i < sentences.length; i++)
    for (let j = i + 1; j < sentences.length; j++) {
      const w = similarity(i, j);
      if (!(w > 0)) continue;
      edges[i]!.set(j, w);
      edges[j]!.set(i, w);
    }
  return edges;
}

/** PageRank over the sentence graph; a sentence linked to nothing keeps the base rank. */
function textRank(sentences: readonly RankedSentence[], edges: Edges): number[] {
  const n = sentences.length;
  const outWeight = edges.map((row) => [...row.values()].reduce((a, b) => a + b, 0));
  let rank = new Array<number>(n).fill(1);
  for (let k = 0; k < ITERATIONS; k++) {
    const next = new Array<number>(n).fill(1 - DAMPING);
    edges.forEach((row, j) => {
      if (outWeight[j] === 0) return;
      for (const [i, w] of row) next[i]! += (DAMPING * w * rank[j]!) / outWeight[j]!;
    });
    let moved = 0;
    for (let i = 0; i < n; i++) moved = Math.max(moved, Math.abs(next[i]! - rank[i]!));
    rank = next;
    if (moved < CONVERGED) break;
  }
  return rank;
}
