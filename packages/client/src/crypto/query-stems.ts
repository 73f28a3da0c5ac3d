import { stemmer as arabic } from '@orama/stemmers/arabic';
import { stemmer as danish } from '@orama/stemmers/danish';
import { stemmer as dutch } from '@orama/stemmers/dutch';
import { stemmer as english } from '@orama/stemmers/english';
import { stemmer as finnish } from '@orama/stemmers/finnish';
import { stemmer as french } from '@orama/stemmers/french';
import { stemmer as german } from '@orama/stemmers/german';
import { stemmer as hungarian } from '@orama/stemmers/hungarian';
import { stemmer as indonesian } from '@orama/stemmers/indonesian';
import { stemmer as italian } from '@orama/stemmers/italian';
import { stemmer as norwegian } from '@orama/stemmers/norwegian';
import { stemmer as portuguese } from '@orama/stemmers/portuguese';
import { stemmer as romanian } from '@orama/stemmers/romanian';
import { stemmer as russian } from '@orama/stemmers/russian';
import { stemmer as spanish } from '@orama/stemmers/spanish';
import { stemmer as swedish } from '@orama/stemmers/swedish';
import { stemmer as turkish } from '@orama/stemmers/turkish';
import { stemmer as ukrainian } from '@orama/stemmers/ukrainian';
import { koreanStem } from '@confab/protocol';

/**
 * Stems for search on the device (decrypted-search.ts), with the server's Snowball stemmers
 * (`@orama/stemmers`, the languages of packages/server/src/store/search/languages.ts) and Korean
 * particles. Loaded only when a search asks (a dynamic import), so the stemmers stay out of the
 * web app's first load.
 *
 * A query is too short to say its language, so each query word is stemmed by every stemmer, as the
 * server does. A word of the text matches a stem when it begins with it and the same stemmer
 * gives it that stem: "пятница" (stem пятниц) finds "пятницу", "Häuser" (haus) finds "Haus",
 * while "running" (run) does not find "runway" (its stem is runway). Stemming only the words that
 * begin with a stem keeps a search over thousands of messages to a few stemmer calls each.
 */
export type Stemmer = (word: string) => string;

const STEMMERS: readonly Stemmer[] = [
  arabic,
  danish,
  dutch,
  english,
  finnish,
  french,
  german,
  hungarian,
  indonesian,
  italian,
  norwegian,
  portuguese,
  romanian,
  russian,
  spanish,
  swedish,
  turkish,
  ukrainian,
];
/** Words the Snowball stemmers know what to do with. */
const STEMMABLE = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Arabic}]/u;
/** A stem shorter than this says too little to stand for a word (English "is" → "is"). */
const MIN_STEM = 3;

/** One stem of a query word, and the stemmer that made it (to check a text's word by the same one). */
export interface QueryStem {
  stem: string;
  /** Null for a Korean word without its particle: any word beginning with it matches. */
  stemmer: Stemmer | null;
}

/**
 * The stems of a query word (`lower` is the word lower-cased, `fold` the caller's folding), other
 * than the word itself: a Korean word without its particle, or each stemmer's stem.
 */
export function queryStems(lower: string, fold: (word: string) => string): QueryStem[] {
  const folded = fold(lower);
  const korean = koreanStem(folded);
  if (korean !== undefined) return [{ stem: korean, stemmer: null }];
  if (!STEMMABLE.test(lower)) return [];
  const stems: QueryStem[] = [];
  for (const stemmer of STEMMERS) {
    const stem = fold(safeStem(stemmer, lower));
    if (stem.length >= MIN_STEM && stem !== folded) stems.push({ stem, stemmer });
  }
  return stems;
}

/** Whether a text's word (lower-cased `lower`, folded `folded`) has one of the query word's stems. */
export function hasStem(lower: string, folded: string, stems: readonly QueryStem[], fold: (word: string) => string): boolean {
  return stems.some(({ stem, stemmer }) => folded.startsWith(stem) && (stemmer === null || fold(safeStem(stemmer, lower)) === stem));
}

/** A stemmer that throws on a word (a port's bug) gives it no stem, as on the server. */
function safeStem(stemmer: Stemmer, word: string): string {
  try {
    return stemmer(word);
  } catch {
    return '';
  }
}
