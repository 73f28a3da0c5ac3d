/**
 * Korean for search, shared by the server's index (docs/search.md) and the SDK's search over the
 * decrypted history of encrypted conversations, so both strip the same particles.
 */

/**
 * Korean particles and copula endings, longest first: 회의는 → 회의, 사무실에서 → 사무실. Korean
 * writes spaces between phrases, each a word with its particles attached; no Snowball stemmer
 * exists for it. A small list of the commonest (documented in docs/search.md), stripped only when
 * two syllables are left: most nouns have two or more, and a one-syllable rest is more often a
 * word that merely ends like a particle (회의 "meeting" is not 회 + 의).
 */
const KOREAN_ENDINGS = [
  '입니다',
  '에서는',
  '으로는',
  '에게서',
  '이에요',
  '에서',
  '에게',
  '한테',
  '으로',
  '부터',
  '까지',
  '처럼',
  '보다',
  '이랑',
  '이나',
  '예요',
  '이다',
  '은',
  '는',
  '이',
  '가',
  '을',
  '를',
  '의',
  '에',
  '와',
  '과',
  '도',
  '만',
  '로',
  '랑',
  '나',
];
const HANGUL_WORD = /^\p{Script=Hangul}+$/u;

export function koreanStem(word: string): string | undefined {
  if (!HANGUL_WORD.test(word)) return undefined;
  const ending = KOREAN_ENDINGS.find((e) => word.length >= e.length + 2 && word.endsWith(e));
  return ending === undefined ? undefined : word.slice(0, -ending.length);
}
