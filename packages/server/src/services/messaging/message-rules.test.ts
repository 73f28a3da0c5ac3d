import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
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

describe('validateBody', () => {
  it('accepts up to max code points and names the limit in the one details shape', () => {
    expect(rejection('a')).toBeUndefined();
    expect(rejection('a'.repeat(10))).toBeUndefined();
    const tooLong = rejection('a'.repeat(11));
    expect(tooLong).toMatchObject({
      code: 'validation_failed',
      details: [{ path: '/body', message: expect.any(String), params: { limit: 10 } }],
    });
    expect(tooLong!.status).toBe(400);
  });

  it('counts an astral character (emoji, musical symbol) as one, not as two UTF-16 units', () => {
    expect(rejection('😀'.repeat(10))).toBeUndefined();
    expect(rejection('𝄞'.repeat(10))).toBeUndefined();
    expect(rejection('😀'.repeat(11))).toBeDefined();
    // A modified emoji is two code points: the base and the skin tone.
    expect(rejection('👍🏽'.repeat(5))).toBeUndefined();
    expect(rejection('👍🏽'.repeat(5) + '!')).toBeDefined();
  });

  it('accepts exactly the strings of at most max code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.integer({ min: 1, max: 12 }), (body, max) => {
        expect(rejection(body, max) === undefined).toBe([...body].length <= max);
      }),
    );
  });
});
