/**
 * Username rules, shared by the server (the `username` string format, the uniqueness key) and the
 * SDK. A username is taken in NFKC form (full-width "ａｄｍｉｎ" is "admin"), compared ignoring
 * case, and its letters come from one script (or one of the combinations a language writes
 * with), so "admin" and "аdmin" with a Cyrillic "а" cannot both exist as look-alikes: the
 * "highly restrictive" level of Unicode's UTS #39, over the scripts UAX #31 recommends for
 * identifiers. Default-ignorable (invisible) characters are refused, and the server also keeps
 * usernames unique by their confusable skeleton (UTS #39), so one-script look-alikes such as
 * Latin "copex" and Cyrillic "сорех" cannot both exist.
 */
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 32;

/** Letters, combining marks and decimal digits of any recommended script, and `_ . -`. */
const USERNAME_CHARACTERS = /^[\p{L}\p{M}\p{Nd}_.-]+$/u;
const SHARED = /^[\p{Script=Common}\p{Script=Inherited}]$/u;
/**
 * Characters that show nothing (U+034F combining grapheme joiner, U+FE0F variation selector,
 * U+1160 Hangul filler, ZWJ, …): a name holding one looks like the name without it.
 */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;

/** UAX #31, table 5 (Recommended Scripts), less Common and Inherited, which any name may use. */
const SCRIPTS = [
  'Arabic',
  'Armenian',
  'Bengali',
  'Bopomofo',
  'Cyrillic',
  'Devanagari',
  'Ethiopic',
  'Georgian',
  'Greek',
  'Gujarati',
  'Gurmukhi',
  'Han',
  'Hangul',
  'Hebrew',
  'Hiragana',
  'Kannada',
  'Katakana',
  'Khmer',
  'Lao',
  'Latin',
  'Malayalam',
  'Myanmar',
  'Oriya',
  'Sinhala',
  'Tamil',
  'Telugu',
  'Thaana',
  'Thai',
  'Tibetan',
] as const;
const SCRIPT_TESTS = SCRIPTS.map((name) => ({ name, test: new RegExp(`^\\p{Script=${name}}$`, 'u') }));

/** The mixes UTS #39 allows at "highly restrictive": Japanese, Chinese with Bopomofo, Korean (each with Latin). */
const ALLOWED_MIXES: readonly (readonly string[])[] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

/** The form a username is stored and shown in. */
export const normalizeUsername = (username: string): string => username.normalize('NFKC');

/**
 * What makes two usernames the same one: NFKC, then case folded (and NFKC again, as folding can
 * undo it). Upper-casing first folds "ß" with "SS"; the final sigma is folded by hand.
 */
export const usernameKey = (username: string): string =>
  username.normalize('NFKC').toUpperCase().toLowerCase().replaceAll('\u03c2', '\u03c3').normalize('NFKC');

/** The scripts of a name's letters, or undefined when one is not a recommended script. */
export function scriptsOf(name: string): Set<string> | undefined {
  const scripts = new Set<string>();
  for (const char of name) {
    if (SHARED.test(char)) continue;
    const script = SCRIPT_TESTS.find((s) => s.test.test(char));
    if (!script) return undefined;
    scripts.add(script.name);
  }
  return scripts;
}

/** Why `username` cannot be a username, or undefined when it can. */
export function usernameProblem(username: string): string | undefined {
  if (!username.isWellFormed()) return 'must be well-formed text';
  const name = normalizeUsername(username);
  const length = [...name].length;
  if (length < USERNAME_MIN_LENGTH || length > USERNAME_MAX_LENGTH || [...usernameKey(name)].length > USERNAME_MAX_LENGTH)
    return `must be ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters`;
  if (INVISIBLE.test(username) || INVISIBLE.test(name)) return 'may not hold invisible characters';
  if (!USERNAME_CHARACTERS.test(name)) return 'may hold only letters, digits and _ . -';
  const scripts = scriptsOf(name);
  if (!scripts) return 'uses a script usernames may not use';
  if (scripts.size > 1 && !ALLOWED_MIXES.some((mix) => [...scripts].every((s) => mix.includes(s))))
    return `mixes scripts (${[...scripts].join(', ')}): use the letters of one`;
  return undefined;
}

export const isUsername = (username: string): boolean => usernameProblem(username) === undefined;
