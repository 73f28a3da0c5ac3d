import Type, { type TStringOptions } from 'typebox';
import { isReactionKey } from './rules.js';
import { isUsername } from './usernames.js';

/**
 * The kinds of string a request or frame may carry. Every string field of every request schema
 * and client frame is one of them, so a rule is checked once, at the schema, for every field:
 *
 * - free text (`text`: a message body, a bio): well-formed UTF-16 (no unpaired surrogate, which
 *   a database cannot store faithfully), no C0 control character but tab and newline (NUL
 *   included: PostgreSQL refuses it in text);
 * - single-line text (`line`: a display name, a title, a search): well-formed, no control
 *   character at all (C0, DEL, C1) and no line or paragraph separator;
 * - the `visible-` variants also need one character that shows (not only whitespace,
 *   zero-width or other default-ignorable characters, or combining marks);
 * - identifiers and opaque tokens: `IDENTIFIER_PATTERN`, a URL-safe ASCII charset;
 * - a reaction (`reaction`): one emoji grapheme or a `:shortcode:` (`isReactionKey`);
 * - a username (`username`): letters and digits of one script and `_ . -` (usernames.ts);
 * - an instant a client sends (`instant`): RFC 3339 with a zone, every field in range (no leap
 *   second, no 31 February), so it parses to the Date it names on every engine.
 *
 * The formats are checked by the server (an Ajv format each, `STRING_FORMATS`); other validators
 * treat an unknown format as an annotation.
 */
export const IDENTIFIER_PATTERN = '^[A-Za-z0-9._~:-]+$';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const C0_BUT_TAB_AND_NEWLINE = /[\u0000-\u0008\u000B-\u001F]/;
const CONTROL_OR_SEPARATOR = /[\p{Cc}\u2028\u2029]/u;
// U+2800 (braille blank) is neither whitespace nor ignorable, yet shows nothing.
const VISIBLE = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{M}\u2800]/u;

// RFC 3339 date-time whose every field is in range: a leap second (…:60) passes the date-time
// format yet parses to NaN, and Date.parse rolls 31 February over into March, so an instant a
// client sends is checked field by field here.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
function isInstant(value: string): boolean {
  const match = RFC3339.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day &&
    Number.isFinite(Date.parse(value))
  );
}

const isText = (value: string) => value.isWellFormed() && !C0_BUT_TAB_AND_NEWLINE.test(value);
const isLine = (value: string) => value.isWellFormed() && !CONTROL_OR_SEPARATOR.test(value);

export interface StringFormat {
  /** Whether the value is of this kind. */
  check(value: string): boolean;
  /** What a value that fails must be, for error details ("must …"). */
  message: string;
}

export const STRING_FORMATS = {
  text: { check: isText, message: 'must be well-formed text without NUL or control characters other than tab and newline' },
  line: { check: isLine, message: 'must be one line of well-formed text without control characters' },
  'visible-text': {
    check: (value) => isText(value) && VISIBLE.test(value),
    message: 'must be well-formed text without NUL or control characters other than tab and newline, with at least one visible character',
  },
  'visible-line': {
    check: (value) => isLine(value) && VISIBLE.test(value),
    message: 'must be one line of well-formed text without control characters, with at least one visible character',
  },
  instant: {
    check: isInstant,
    message: 'must be an RFC 3339 date and time with a time zone that names a real instant (e.g. 2026-01-31T12:00:00Z)',
  },
  reaction: { check: isReactionKey, message: 'must be one emoji or a :shortcode: of a-z 0-9 _ + -' },
  username: {
    check: isUsername,
    message: 'must be 3 to 32 letters and digits of one script (after NFKC normalisation), and _ . -, without invisible characters',
  },
} as const satisfies Record<string, StringFormat>;
export type StringFormatName = keyof typeof STRING_FORMATS;

const withFormat =
  (format: StringFormatName, description: string) =>
  (options: TStringOptions = {}) =>
    Type.String({
      ...options,
      format,
      description: options.description === undefined ? description : `${options.description}. ${description}`,
    });

/** Free text: may span lines. */
export const FreeText = withFormat('text', 'Text: no NUL or control characters other than tab and newline');
/** Free text with at least one visible character (a message body). */
export const VisibleText = withFormat(
  'visible-text',
  'Text with at least one visible character: no NUL or control characters other than tab and newline',
);
/** One line of text: no control characters. */
export const SingleLine = withFormat('line', 'One line of text: no control characters');
/** One line with at least one visible character (a group title). */
export const VisibleLine = withFormat('visible-line', 'One line of text with at least one visible character: no control characters');
/** A point in time a client sends: RFC 3339 with a zone, one Date can hold (no leap second, no 31 February). */
export const Instant = withFormat('instant', 'RFC 3339 date and time with a time zone, e.g. 2026-01-31T12:00:00Z');
/** An identifier or opaque token: letters, digits and `. _ ~ : -`. */
export const Identifier = (options: TStringOptions = {}) => Type.String({ pattern: IDENTIFIER_PATTERN, ...options });
