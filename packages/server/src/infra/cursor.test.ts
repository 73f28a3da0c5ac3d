import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';

const isKey = (v: unknown): v is { at: number; id: string } =>
  typeof v === 'object' && v !== null && typeof (v as { at?: unknown }).at === 'number' && typeof (v as { id?: unknown }).id === 'string';

describe('pagination cursors', () => {
  it('round-trips the value they encode', () => {
    const key = { at: 1_700_000_000_000, id: '01890a5d-ac96-774b-bcce-b302099a8057' };
    expect(decodeCursor(encodeCursor(key), isKey)).toEqual(key);
    expect(decodeCursor(encodeCursor('ünïcödé 😀'), (v): v is string => typeof v === 'string')).toBe('ünïcödé 😀');
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
      encodeCursor(null),
      encodeCursor([1, 2]),
      '',
    ];
    for (const cursor of forged) {
      let caught: unknown;
      try {
        decodeCursor(cursor, isKey);
      } catch (error) {
        caught = error;
      }
      expect(caught, cursor).toBeInstanceOf(AppError);
      expect(caught, cursor).toMatchObject({ code: 'validation_failed', status: 400 });
    }
  });
});
