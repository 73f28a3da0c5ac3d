import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IDENTIFIER_PATTERN, STRING_FORMATS } from './strings.js';

const { text, line, 'visible-text': visibleText, 'visible-line': visibleLine } = STRING_FORMATS;

/** Any UTF-16 code unit, with controls, separators and surrogate halves mixed in often. */
const unit = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.constantFrom('\u0000', '\t', '\n', '\r', '\u001B', '\u007F', '\u0085', '\u2028', '\u2029', '\uD83D', '\uDE00', 'a', ' '),
);
const strings = fc.string({ unit, maxLength: 20 });
const hasC0ButTabAndNewline = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 && c !== '\t' && c !== '\n');
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const hasControlOrSeparator = (s: string) => [...s].some((c) => /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/.test(c));

describe('string formats', () => {
  it('text: exactly the well-formed strings without C0 controls other than tab and newline', () => {
    fc.assert(
      fc.property(strings, (s) => {
        expect(text.check(s)).toBe(s.isWellFormed() && !hasC0ButTabAndNewline(s));
      }),
    );
    expect(text.check('two\nlines\twith a tab, emoji 👋')).toBe(true);
  });

  it('line: exactly the well-formed strings without control characters or line separators', () => {
    fc.assert(
      fc.property(strings, (s) => {
        expect(line.check(s)).toBe(s.isWellFormed() && !hasControlOrSeparator(s));
      }),
    );
    expect(line.check('Ünïcödé 👩‍💻 title')).toBe(true);
  });

  it('refuses unpaired surrogates, high or low, alone or reversed', () => {
    for (const s of ['\uD83D', 'a\uD83D', '\uDE00', '\uDE00\uD83D', 'ok \uD83D\uD83D']) {
      for (const format of Object.values(STRING_FORMATS)) expect(format.check(s), JSON.stringify(s)).toBe(false);
    }
    expect(visibleLine.check('\uD83D\uDE00')).toBe(true); // a proper pair is 😀
  });

  it('visible: needs one character that shows', () => {
    const invisible = [
      '',
      ' ',
      '   \n\t ',
      '\u00A0',
      '\u2003\u3000',
      '\u200B',
      '\u200C\u200D\u2060\uFEFF',
      '\u00AD',
      '\u3164',
      '\u115F',
      '\u2800',
      '\u0301',
      '\uFE0F',
      '\u{E0041}',
    ];
    for (const s of invisible) expect(visibleText.check(s), JSON.stringify(s)).toBe(false);
    const visible = ['a', ' x ', '.', '👍', '\u200Bhi', '\u00A0!', 'é', '中', '٣', '\u{1F3FD}', '\uE000'];
    for (const s of visible) expect(visibleText.check(s) && visibleLine.check(s), JSON.stringify(s)).toBe(true);
    fc.assert(
      fc.property(strings, (s) => {
        // The visible variants add the same one condition to their base format.
        if (visibleText.check(s)) expect(text.check(s)).toBe(true);
        expect(visibleLine.check(s)).toBe(line.check(s) && visibleText.check(s));
      }),
    );
  });

  it('reaction: one emoji or a shortcode, nothing else', () => {
    for (const s of ['👍', '👍🏽', '👩‍💻', '🇫🇷', ':thumbs_up:', ':+1:']) expect(STRING_FORMATS.reaction.check(s), s).toBe(true);
    for (const s of ['', 'a', '👍👍', ':Thumbs:', '\uD83D', '👍\u0000', ':a b:'])
      expect(STRING_FORMATS.reaction.check(s), JSON.stringify(s)).toBe(false);
  });

  it('reaction: judged the same the second time (the verdicts are remembered), and past the memory bound', () => {
    for (let round = 0; round < 2; round++) {
      expect(STRING_FORMATS.reaction.check('👍🏽')).toBe(true);
      expect(STRING_FORMATS.reaction.check('👍👍')).toBe(false);
    }
    for (let i = 0; i < 1100; i++) expect(STRING_FORMATS.reaction.check(`x${i}`)).toBe(false);
    expect(STRING_FORMATS.reaction.check('👩‍💻')).toBe(true);
    expect(STRING_FORMATS.reaction.check('👍👍')).toBe(false);
  });

  it('identifiers: URL-safe ASCII only', () => {
    const identifier = new RegExp(IDENTIFIER_PATTERN, 'u');
    for (const s of ['0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 'k', 'ws-1', 'a.b~c:d_e', 'bm90IGpzb24'])
      expect(identifier.test(s), s).toBe(true);
    for (const s of ['', 'a b', 'é', 'a/b', 'a\u0000', 'k\uD800', 'a\n', 'a+b', 'a%20'])
      expect(identifier.test(s), JSON.stringify(s)).toBe(false);
  });

  it('instant: an RFC 3339 date and time with a zone whose every field is in range (issue 35)', () => {
    const { instant } = STRING_FORMATS;
    for (const s of ['2026-01-31T12:00:00Z', '2024-02-29T23:59:59.999Z', '2026-06-01T08:30:00+02:00', new Date(0).toISOString()])
      expect(instant.check(s), s).toBe(true);
    const refused = [
      '2016-12-31T23:59:60Z', // a leap second: Date.parse gives NaN
      '2026-02-31T00:00:00Z', // Date.parse would roll it over to 3 March
      '2025-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T00:00:00', // no zone
      '2026-01-01',
      '2026-01-01T00:00:00Z\u0000',
      'yesterday',
    ];
    for (const s of refused) expect(instant.check(s), s).toBe(false);
  });
});
