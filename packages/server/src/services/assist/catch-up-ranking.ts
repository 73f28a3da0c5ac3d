import { words } from '../../store/search-tokens.js';
import { isQuestion } from './asks.js';

/**
 * Catch-up's extractive summary (issue 40): TextRank over the sentences of the messages I missed.
 * A sentence is a node; two sentences are linked by the words they share (the search tokenizer's
 * folded words, `Intl.Segmenter` for unspaced scripts), each shared word weighed by its rarity
 * (idf), so "the", "и", "的" link little without a stop-word list per language; PageRank over
 * that graph, then boosts for what a reader must not miss. The summary quotes sentences exactly as
 * written, never anything no one wrote.
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
/** Sentences past this many (the newest kept) are not ranked: the graph grows with their square. */
const MAX_SENTENCES = 1500;
const DAMPING = 0.85;
const ITERATIONS = 30;

/** What a decision or a plan looks like: "we'll", "decided", a day or a date, in the five languages. */
const DECISION =
  /(?<![\p{L}\p{N}])(we'll|we will|we're going to|decided|agreed|let's|deadline|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|next week|decidimos|acordamos|vamos a|mañana|lunes|martes|miércoles|jueves|viernes|решили|договорились|давайте|завтра|понедельник|вторник|среду|четверг|пятницу|дедлайн)(?![\p{L}\p{N}])|決定|決めました|決まりました|明日|来週|締め切り|决定|确定|定了|明天|下周|截止|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?|\d{1,2}:\d{2}|\d{1,2}月\d{1,2}日/iu;
const LINK = /https?:\/\/\S+/iu;

const BOOST = { mentionsMe: 1, pinned: 1, decision: 0.75, question: 0.5, link: 0.3 };

interface Sentence extends SummarySentence {
  order: number;
  tokens: Set<string>;
  boost: number;
}

const segmenter = new Intl.Segmenter('und', { granularity: 'sentence' });

/** The sentences of a body, trimmed, each a substring of it. */
export function sentencesOf(body: string): string[] {
  const found: string[] = [];
  for (const line of body.split('\n'))
    for (const { segment } of segmenter.segment(line)) {
      const text = segment.trim();
      if (words(text).length > 0) found.push(text);
    }
  return found;
}

/** The best sentences, at most `max` and one per message, in the order they were written. */
export function summarize(messages: readonly SummaryMessage[], max = MAX_SUMMARY_SENTENCES): SummarySentence[] {
  const sentences = collect(messages);
  if (sentences.length === 0) return [];
  const scores = textRank(sentences);
  const ranked = sentences
    .map((s, i) => ({ s, score: scores[i]! * (1 + s.boost) }))
    .sort((x, y) => y.score - x.score || x.s.order - y.s.order);
  const chosen: Sentence[] = [];
  const seenMessages = new Set<string>();
  const seenTexts = new Set<string>();
  for (const { s } of ranked) {
    if (chosen.length === max) break;
    if (seenMessages.has(s.messageId) || seenTexts.has(s.text)) continue;
    seenMessages.add(s.messageId);
    seenTexts.add(s.text);
    chosen.push(s);
  }
  return chosen.sort((x, y) => x.order - y.order).map(({ messageId, seq, text }) => ({ messageId, seq, text }));
}

function collect(messages: readonly SummaryMessage[]): Sentence[] {
  const all: Sentence[] = [];
  for (const m of messages) {
    const base = (m.mentionsMe ? BOOST.mentionsMe : 0) + (m.pinned ? BOOST.pinned : 0);
    for (const text of sentencesOf(m.body)) {
      const boost =
        base + (DECISION.test(text) ? BOOST.decision : 0) + (isQuestion(text) ? BOOST.question : 0) + (LINK.test(text) ? BOOST.link : 0);
      all.push({ messageId: m.id, seq: m.seq, text, order: all.length, tokens: new Set(words(text).map((w) => w.folded)), boost });
    }
  }
  return all.slice(-MAX_SENTENCES);
}

/** PageRank over the sentence graph; a sentence linked to nothing keeps the base rank. */
function textRank(sentences: readonly Sentence[]): number[] {
  const n = sentences.length;
  const df = new Map<string, number>();
  const postings = new Map<string, number[]>();
  sentences.forEach((s, i) => {
    for (const t of s.tokens) {
      df.set(t, (df.get(t) ?? 0) + 1);
      let list = postings.get(t);
      if (!list) postings.set(t, (list = []));
      list.push(i);
    }
  });
  const idf = (t: string) => Math.log(1 + n / df.get(t)!);
  // Edge weights, only between sentences sharing a word (an inverted index instead of n² pairs).
  const edges: Map<number, number>[] = sentences.map(() => new Map());
  for (const [t, list] of postings) {
    // A word in most sentences tells them apart no better than none (and would cost its square).
    if (list.length < 2 || (list.length > 2 && list.length > Math.min(n / 2, 200))) continue;
    const w = idf(t);
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
  const outWeight = edges.map((row) => [...row.values()].reduce((a, b) => a + b, 0));
  let rank = new Array<number>(n).fill(1);
  for (let k = 0; k < ITERATIONS; k++) {
    const next = new Array<number>(n).fill(1 - DAMPING);
    edges.forEach((row, j) => {
      if (outWeight[j] === 0) return;
      for (const [i, w] of row) next[i]! += (DAMPING * w * rank[j]!) / outWeight[j]!;
    });
    rank = next;
  }
  return rank;
}
