import { francAll } from 'franc-min';
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

/**
 * The languages search stems (docs/search.md, Words): Snowball stemmers from `@orama/stemmers`,
 * keyed by ISO 639-1 (a BCP 47 primary subtag). A message's language is detected by `franc-min`,
 * which names languages in ISO 639-3; the detector only chooses among those it can stem.
 * Bulgarian is left out: its port throws on common Russian words (it writes into a string), and
 * the detector takes short Russian for Bulgarian.
 */
export type Stemmer = (word: string) => string;

export const STEMMERS: Readonly<Record<string, Stemmer>> = {
  ar: arabic,
  da: danish,
  de: german,
  en: english,
  es: spanish,
  fi: finnish,
  fr: french,
  hu: hungarian,
  id: indonesian,
  it: italian,
  nb: norwegian,
  nl: dutch,
  no: norwegian,
  pt: portuguese,
  ro: romanian,
  ru: russian,
  sv: swedish,
  tr: turkish,
  uk: ukrainian,
};

/**
 * Each stemmer's answers, remembered: a Snowball port takes 5–25 µs a word, and chat repeats its
 * words (a bounded map per stemmer, emptied when full: no entry outlives 50,000 others).
 */
const CACHE_MAX = 50_000;
function remembered(stemmer: Stemmer): Stemmer {
  const known = new Map<string, string>();
  return (word) => {
    let stem = known.get(word);
    if (stem === undefined) {
      if (known.size >= CACHE_MAX) known.clear();
      stem = stemmer(word);
      known.set(word, stem);
    }
    return stem;
  };
}

const CACHED: ReadonlyMap<Stemmer, Stemmer> = new Map([...new Set(Object.values(STEMMERS))].map((s) => [s, remembered(s)]));
const cachedOf = (stemmer: Stemmer): Stemmer => CACHED.get(stemmer)!;

const CYRILLIC_STEMMERS = [cachedOf(russian), cachedOf(ukrainian)];
const ARABIC_STEMMERS = [cachedOf(arabic)];

/** Every distinct stemmer: a query word, too short to say its language, is stemmed by each. */
export const ALL_STEMMERS: readonly Stemmer[] = [...CACHED.values()];

/** franc-min's ISO 639-3 names of the languages above that it detects (it has no Danish, Finnish or Norwegian). */
const DETECTED: Readonly<Record<string, string>> = {
  arb: 'ar',
  deu: 'de',
  eng: 'en',
  fra: 'fr',
  hun: 'hu',
  ind: 'id',
  ita: 'it',
  nld: 'nl',
  por: 'pt',
  ron: 'ro',
  rus: 'ru',
  spa: 'es',
  swe: 'sv',
  tur: 'tr',
  ukr: 'uk',
};
const ONLY = Object.keys(DETECTED);

/**
 * A close second guess is stemmed too: on a short message the detector often hesitates between
 * neighbours ("Vamos a la playa mañana por la tarde" scores Spanish 1, Turkish 0.78), and a stem too many costs an
 * index entry where a stem too few loses a hit.
 */
const CLOSE_SCORE = 0.7;
const DETECT_CHARS = 256;
const LATIN = /\p{Script=Latin}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const ARABIC = /\p{Script=Arabic}/u;
const MAX_LANGUAGES = 3;

/**
 * The stemmers for a message: the languages detected in it; when it is too short to tell
 * (franc-min needs 10 characters), every stemmer. Not the sender's `locale`: people write short
 * messages in more than one language (an English locale would leave a short Russian message
 * unstemmed), a short message is a few words (stemming them every way costs a few tokens), and
 * looking the locale up would add a query to every send's commit (decision 0024).
 */
export function stemmersFor(text: string): readonly Stemmer[] {
  // Without Latin letters the script says it (the detector costs 50–200 µs a message): Cyrillic
  // is Russian or Ukrainian (both stemmed), Arabic script Arabic.
  if (!LATIN.test(text)) {
    const byScript = [...(CYRILLIC.test(text) ? CYRILLIC_STEMMERS : []), ...(ARABIC.test(text) ? ARABIC_STEMMERS : [])];
    if (byScript.length > 0) return byScript;
  }
  // The detector's time grows with the text; its first few hundred characters tell the language.
  const guesses = francAll(text.slice(0, DETECT_CHARS), { only: ONLY });
  if (guesses[0]?.[0] === 'und') return ALL_STEMMERS;
  const chosen = guesses.filter(([, score]) => score >= CLOSE_SCORE).slice(0, MAX_LANGUAGES);
  return [...new Set(chosen.map(([code]) => cachedOf(STEMMERS[DETECTED[code]!]!)))];
}
