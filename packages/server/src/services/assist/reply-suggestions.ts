import { francAll } from 'franc-min';
import { words } from '../../store/search-tokens.js';
import type { ReplyPairRecord } from '../../store/store.js';
import { isQuestion } from './asks.js';

/**
 * Reply suggestions (issue 40; docs/assist.md), pure: my own past replies to messages like this
 * one (BM25 over the `Intl.Segmenter` words of the messages I answered), a "Yes"/"No" pair for a
 * yes/no question in its language, and a chip for a date or time it names. Nothing generic: what
 * does not fit is left out.
 */

export type Lang = 'en' | 'es' | 'ru' | 'ja' | 'zh' | 'de' | 'fr';
const K1 = 1.2;
const B = 0.75;
/** A past prompt must share at least this share of the (informative) words of the shorter of it and the message… */
const MIN_COVERAGE = 0.5;
/** …and this BM25 score. */
const MIN_SCORE = 1.5;
const MAX_REPLY_LENGTH = 80;

const tokens = (text: string) => words(text).map((w) => w.folded);

/** How alike a local model (docs/assist.md, ModelProvider) finds the message and each past prompt. */
export interface PromptSimilarity {
  /** The cosine of the message with each prompt of the history, in its order. */
  of: readonly number[];
  /** From this cosine a prompt counts as alike, whatever words it shares. */
  min: number;
}

/**
 * My replies whose prompts are most like `text`, best first, at most `limit`, each short, one line,
 * no link. Without `similarity` a prompt counts by BM25 and shared words alone; with it a prompt
 * also counts when the model finds it alike, and the two are blended for the order.
 */
export function similarReplies(text: string, history: readonly ReplyPairRecord[], limit = 3, similarity?: PromptSimilarity): string[] {
  const query = [...new Set(tokens(text))];
  if (query.length === 0 || history.length === 0) return [];
  const lexical = bm25(query, history);
  const ranked = lexical
    .map((s, i) => {
      const passes = s.score >= MIN_SCORE && s.coverage >= MIN_COVERAGE;
      if (!similarity) return { i, rank: passes ? s.score : -1 };
      const cos = similarity.of[i] ?? 0;
      // BM25 squashed to 0.5–1 once it passes, so it weighs as much as the cosine.
      const strength = passes ? s.score / (s.score + MIN_SCORE) : 0;
      return { i, rank: passes || cos >= similarity.min ? (strength + Math.max(cos, 0)) / 2 : -1 };
    })
    .filter((r) => r.rank >= 0)
    .sort((a, b) => b.rank - a.rank || a.i - b.i);
  const seen = new Set<string>();
  const replies: string[] = [];
  for (const { i } of ranked) {
    const reply = history[i]!.replyBody.trim();
    const key = tokens(reply).join(' ');
    if (key === '' || seen.has(key) || [...reply].length > MAX_REPLY_LENGTH || /\n|https?:\/\//u.test(reply)) continue;
    seen.add(key);
    replies.push(reply);
    if (replies.length === limit) break;
  }
  return replies;
}

/** BM25 of each past prompt for the query's informative words, and the share of words they have in common. */
function bm25(query: readonly string[], history: readonly ReplyPairRecord[]): { score: number; coverage: number }[] {
  const docs = history.map((h) => tokens(h.promptBody));
  const avgLength = docs.reduce((s, d) => s + d.length, 0) / docs.length || 1;
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = docs.length;
  const idf = (t: string) => Math.log(1 + (n - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
  // Words in most of what I answered say nothing of which answer fits (filler in any language).
  const informative = query.filter((t) => n < 4 || (df.get(t) ?? 0) <= n / 2);
  return docs.map((d) => {
    if (informative.length === 0) return { score: 0, coverage: 0 };
    const tf = new Map<string, number>();
    for (const t of d) tf.set(t, (tf.get(t) ?? 0) + 1);
    let score = 0;
    let shared = 0;
    for (const t of informative) {
      const f = tf.get(t) ?? 0;
      if (f === 0) continue;
      shared++;
      score += (idf(t) * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.length) / avgLength));
    }
    return { score, coverage: shared / Math.min(informative.length, tf.size) };
  });
}

const FRANC: Record<string, Lang> = { eng: 'en', spa: 'es', deu: 'de', fra: 'fr', rus: 'ru' };

/** The language a message is written in, among those the chips speak; undefined when it is none of them. */
export function languageOf(text: string): Lang | undefined {
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'ja';
  if (/\p{Script=Han}/u.test(text)) return 'zh';
  if (/\p{Script=Cyrillic}/u.test(text)) return 'ru';
  if (!/\p{Script=Latin}/u.test(text)) return undefined;
  if (/[¿¡ñ]/u.test(text)) return 'es';
  if (/[ßäöü]/iu.test(text)) return 'de';
  if (/[çœèêàù]|\best-ce\b/iu.test(text)) return 'fr';
  const marker = MARKERS.find(([, re]) => re.test(text));
  if (marker) return marker[0];
  const [best] = francAll(text, { only: Object.keys(FRANC), minLength: 3 });
  return best && best[1] > 0 ? FRANC[best[0]] : 'en';
}

/** Short words that name a language where franc needs more text. */
const MARKERS: [Lang, RegExp][] = [
  ['es', /\b(puedes|vienes|tienes|está|estás|es|hay|vamos|quieres|hoy|mañana|manana)\b/iu],
  ['de', /\b(kannst|kommst|bist|ist|hast|gibt|heute|morgen|wir|du)\b/iu],
  ['fr', /\b(tu|vous|es|est|demain|aujourd|peux|viens|on)\b/iu],
  ['en', /\b(you|are|is|can|do|does|will|the|today|tomorrow)\b/iu],
];

const WH: Record<Lang, RegExp> = {
  en: /\b(what|where|when|why|who|whom|whose|which|how)\b/iu,
  es: /\b(qué|dónde|cuándo|por qué|quién|quiénes|cuál|cuáles|cómo|cuánto|cuántos|cuánta)\b/iu,
  ru: /(^|[^\p{L}])(что|где|когда|почему|зачем|кто|какой|какая|какие|как|сколько|куда|откуда|чей)(?![\p{L}])/iu,
  de: /\b(was|wo|wann|warum|wer|wen|wem|wie|welche|welcher|welches|wieso|weshalb|woher|wohin)\b/iu,
  fr: /\b(que|quoi|où|quand|pourquoi|qui|quel|quelle|quels|quelles|comment|combien)\b/iu,
  ja: /何|なに|なん|どこ|いつ|だれ|誰|なぜ|どう|どれ|どの|どちら|いくら/u,
  zh: /什么|哪|谁|为什么|怎么|几|多少|何时/u,
};
const OR: Record<Lang, RegExp> = {
  en: /\bor\b/iu,
  es: /\b[ou]\b/iu,
  ru: /(^|[^\p{L}])(или|либо)(?![\p{L}])/iu,
  de: /\boder\b/iu,
  fr: /\bou\b/iu,
  ja: /それとも|か、/u,
  zh: /还是/u,
};
export const YES_NO: Record<Lang, [string, string]> = {
  en: ['Yes', 'No'],
  es: ['Sí', 'No'],
  ru: ['Да', 'Нет'],
  ja: ['はい', 'いいえ'],
  zh: ['是的', '不是'],
  de: ['Ja', 'Nein'],
  fr: ['Oui', 'Non'],
};

/** "Yes" and "No" in the message's language when it is a yes/no question (a question without a question word, not a choice). */
export function yesNoAnswers(text: string, lang = languageOf(text)): [string, string] | undefined {
  if (!lang || !isQuestion(text)) return undefined;
  const plain = text.replace(/https?:\/\/\S+/gu, ' ');
  if (WH[lang].test(plain) || OR[lang].test(plain)) return undefined;
  return YES_NO[lang];
}

const SCHEDULE_LABEL: Record<Lang, (when: string) => string> = {
  en: (w) => `Schedule for ${w}`,
  es: (w) => `Programar para ${w}`,
  ru: (w) => `Запланировать на ${w}`,
  ja: (w) => `${w}に予定を入れる`,
  zh: (w) => `安排在${w}`,
  de: (w) => `Planen für ${w}`,
  fr: (w) => `Planifier pour ${w}`,
};

export function scheduleLabel(lang: Lang, at: Date, timeZone: string, withTime: boolean): string {
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', ...(withTime ? { timeStyle: 'short' } : {}), timeZone }).format(at);
  return SCHEDULE_LABEL[lang](when);
}
