import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { CursorFields, decodeCursor, encodeCursor } from './cursor.js';

const Key = Type.Object({ at: CursorFields.integer, id: CursorFields.id }, { additionalProperties: false });

function refusal(cursor: string, schema: Parameters<typeof decodeCursor>[1]): unknown {
  try {
    decodeCursor(cursor, schema);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('pagination cursors', () => {
  it('round-trips the value they encode', () => {
    const key = { at: 1_700_000_000_000, id: '01890a5d-ac96-774b-bcce-b302099a8057' };
    expect(decodeCursor(encodeCursor(key), Key)).toEqual(key);
    expect(decodeCursor(encodeCursor('ünïcödé 😀'), CursorFields.text)).toBe('ünïcödé 😀');
    expect(decodeCursor(encodeCursor(Number.MAX_SAFE_INTEGER), CursorFields.integer)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('are URL-safe text with no padding', () => {
    const cursor = encodeCursor({ at: 1, id: '>>>???<<<' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('refuse text that is not one this server issued with a 400 validation_failed', () => {
    const forged = [
      'not base64 at all!',
      Buffer.from('not json').toString('base64url'),
      encodeCursor({ at: 'yesterday', id: 'x' }),
      encodeCursor({ at: 1, id: 'x', extra: true }),
      encodeCursor(null),
      encodeCursor([1, 2]),
      '',
    ];
    for (const cursor of forged) {
      const caught = refusal(cursor, Key);
      expect(caught, cursor).toBeInstanceOf(AppError);
      expect(caught, cursor).toMatchObject({ code: 'validation_failed', status: 400 });
    }
  });

  // What the hostile client sent (issue 35): each reached PostgreSQL, which answered 500.
  it('refuse fields a database column could not compare: fractions, huge numbers, NUL, over-long text', () => {
    const forged: [string, Parameters<typeof decodeCursor>[1]][] = [
      [encodeCursor({ at: 1.5, id: 'a' }), Key],
      [encodeCursor({ at: 1e300, id: 'a' }), Key],
      [encodeCursor({ at: -1, id: 'a' }), Key],
      [encodeCursor({ at: 2 ** 63, id: 'a' }), Key],
      [Buffer.from('{"at":1,"id":"a\\u0000"}').toString('base64url'), Key],
      [encodeCursor('a\u0000b'), CursorFields.text],
      [encodeCursor('a\u0000b'), CursorFields.id],
      [encodeCursor('x'.repeat(300)), CursorFields.text],
      [encodeCursor(1.5), CursorFields.integer],
      [encodeCursor(1e300), CursorFields.integer],
    ];
    for (const [cursor, schema] of forged) {
      expect(refusal(cursor, schema), cursor).toMatchObject({ code: 'validation_failed', status: 400 });
    }
  });
});
