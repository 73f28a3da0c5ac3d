/**
 * Does a message ask something of its reader? A small rule set, explainable by the words it
 * found (docs/assist.md): request phrases ("can you", "¿puedes", "пожалуйста", "してください",
 * "请"…), question marks (also full-width ？, ¿ and ؟), and interrogative words (at the start of a
 * sentence where word order makes the question: "what…", "¿dónde…", "почему…"; sentence-final
 * particles in Chinese and Japanese: 吗, 呢, か). No model: what it misses is a phrase to add here.
 */

export interface Ask {
  kind: 'question' | 'request';
  /** The words that triggered it, as written, in the order found. */
  evidence: string[];
}

/** Letters or digits on either side end a phrase in languages written with spaces. */
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const spaced = (phrases: string[]) => new RegExp(`${B}(?:${phrases.join('|')})${E}`, 'giu');
const unspaced = (phrases: string[]) => new RegExp(`(?:${phrases.join('|')})`, 'gu');

/** Request phrases: asking the reader to do something. */
const REQUESTS: RegExp[] = [
  // English
  spaced([
    'can you',
    'could you',
    'would you',
    'will you',
    'can u',
    'could u',
    'please',
    'pls',
    'plz',
    'let me know',
    'need you to',
    'would you mind',
  ]),
  // Spanish (¿ is not a letter, so "¿puedes" matches as "puedes")
  spaced(['puedes', 'podrías', 'podrias', 'puede usted', 'podría', 'por favor', 'necesito que', 'me ayudas', 'avísame', 'avisame']),
  // Russian
  spaced([
    'пожалуйста',
    'можешь',
    'можете',
    'не могли бы',
    'не мог бы',
    'не могла бы',
    'прошу',
    'помоги',
    'помогите',
    'дай знать',
    'сообщи',
  ]),
  // Japanese
  unspaced([
    'してください',
    'して下さい',
    'ください',
    '下さい',
    'お願いします',
    'お願い',
    'おねがい',
    'てくれませんか',
    'てもらえますか',
    'てくれる？',
    'てくれない',
  ]),
  // Chinese
  unspaced(['请', '能不能', '可不可以', '麻烦你', '麻烦', '帮我', '帮忙', '能否']),
];

const QUESTION_MARKS = /[?？¿؟]/gu;
const QUESTION_MARK = /[?？¿؟]/u;

/** Interrogative words that make a question when they open a sentence (English, Spanish, Russian). */
const OPENERS = new RegExp(
  `^[\\s"'«(¿¡]*(${[
    'what',
    'when',
    'where',
    'who',
    'whom',
    'whose',
    'why',
    'how',
    'which',
    'is there',
    'are there',
    'do you',
    'did you',
    'does',
    'have you',
    'qué',
    'cuándo',
    'dónde',
    'quién',
    'por qué',
    'cómo',
    'cuál',
    'cuánto',
    'cuántos',
    'что',
    'когда',
    'где',
    'кто',
    'почему',
    'зачем',
    'как',
    'какой',
    'какая',
    'какие',
    'сколько',
    'куда',
    'откуда',
  ].join('|')})${E}`,
  'iu',
);

/** Question words anywhere in a Chinese or Japanese sentence, and particles that end one. */
const CJK_WORDS = unspaced([
  '为什么',
  '什么',
  '怎么',
  '哪里',
  '哪儿',
  '哪个',
  '谁',
  '几点',
  '多少',
  '是不是',
  '有没有',
  '对不对',
  'いつ',
  'どこ',
  '誰',
  'なぜ',
  'どうして',
  'どうやって',
  'どれ',
  'どの',
  '何時',
  'いくら',
]);
const CJK_FINAL = /(吗|嗎|呢|ですか|ますか|でしょうか|のか|かな)[\s。.!！?？]*$/u;
/** The Russian particle "ли" ("знаешь ли ты") anywhere. */
const RUSSIAN_LI = spaced(['ли']);

/** Links and inline code hold question marks that ask nothing (`?q=`). */
const NOT_PROSE = /https?:\/\/\S+|`[^`]*`/giu;

export function detectAsk(text: string): Ask | null {
  const prose = text.replace(NOT_PROSE, ' ');
  const requests = REQUESTS.flatMap((re) => [...prose.matchAll(re)].map((m) => m[0]));
  const questions: string[] = [];
  for (const sentence of sentences(prose)) {
    const opener = OPENERS.exec(sentence);
    if (opener) questions.push(opener[1]!);
    const final = CJK_FINAL.exec(sentence);
    if (final && /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(sentence.slice(0, final.index))) questions.push(final[1]!);
  }
  questions.push(...[...prose.matchAll(CJK_WORDS)].map((m) => m[0]));
  questions.push(...[...prose.matchAll(RUSSIAN_LI)].map((m) => m[0]));
  questions.push(...[...prose.matchAll(QUESTION_MARKS)].map((m) => m[0]));
  if (requests.length > 0) return { kind: 'request', evidence: unique([...requests, ...questions]) };
  if (questions.length > 0) return { kind: 'question', evidence: unique(questions) };
  return null;
}

/** Whether the text asks a question (a request with a question mark counts: "can you…?"). */
export function isQuestion(text: string): boolean {
  const ask = detectAsk(text);
  return ask !== null && (ask.kind === 'question' || ask.evidence.some((e) => QUESTION_MARK.test(e)));
}

/** Sentences: up to and including . ! ? 。！？ or a line break. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?。！？\n])/u)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const unique = (items: string[]) => [...new Set(items)];
