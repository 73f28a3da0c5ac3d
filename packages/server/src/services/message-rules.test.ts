import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { validateBody } from './message-rules.js';

/** The AppError validateBody throws for `body`, or undefined when it accepts it. */
function rejection(body: string, maxLength = 10): AppError | undefined {
  try {
    validateBody(body, maxLength);
    return undefined;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

/** Any code point, with NUL and lone surrogate halves mixed in often. */
const bodyUnit = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constantFrom('\u0000', '\uD83D', '\uDE00'));

describe('validateBody', () => {
  it('accepts 1…max code points', () => {
    expect(rejection('a')).toBeUndefined();
    expect(rejection('a'.repeat(10))).toBeUndefined();
    expect(rejection('a'.repeat(11))).toMatchObject({ code: 'validation_failed', details: { field: 'body', maxLength: 10 } });
  });

  it('counts an astral character (emoji, musical symbol) as one, not as two UTF-16 units', () => {
    expect(rejection('😀'.repeat(10))).toBeUndefined();
    expect(rejection('𝄞'.repeat(10))).toBeUndefined();
    expect(rejection('😀'.repeat(11))).toBeDefined();
    // A modified emoji is two code points: the base and the skin tone.
    expect(rejection('👍🏽'.repeat(5))).toBeUndefined();
    expect(rejection('👍🏽'.repeat(5) + '!')).toBeDefined();
  });

  it('refuses an empty body', () => {
    expect(rejection('')).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('empty') });
  });

  it('refuses NUL anywhere', () => {
    for (const body of ['\u0000', 'a\u0000', '\u0000b', 'a\u0000b']) {
      expect(rejection(body), JSON.stringify(body)).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('NUL') });
    }
  });

  it('refuses unpaired surrogates, high or low, alone or reversed', () => {
    for (const body of ['\uD83D', 'a\uD83D', '\uDE00', '\uDE00\uD83D', 'ok \uD83D\uD83D']) {
      expect(rejection(body), JSON.stringify(body)).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('surrogate') });
    }
    expect(rejection('\uD83D\uDE00')).toBeUndefined(); // a proper pair is 😀
  });

  it('reports a 400', () => {
    expect(rejection('')!.status).toBe(400);
  });

  it('accepts exactly the well-formed, NUL-free strings of 1…max code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: bodyUnit, maxLength: 20 }), fc.integer({ min: 1, max: 12 }), (body, max) => {
        const length = [...body].length;
        const acceptable = length >= 1 && length <= max && body.isWellFormed() && !body.includes('\u0000');
        expect(rejection(body, max) === undefined).toBe(acceptable);
      }),
    );
  });

  it('finds a lone surrogate after any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5 }), fc.integer({ min: 0xd800, max: 0xdfff }), (text, unit) => {
        expect(rejection(text + String.fromCharCode(unit), 100)?.message).toContain('surrogate');
      }),
    );
  });
});
