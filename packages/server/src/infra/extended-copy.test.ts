import { describe, expect, it } from 'vitest';
import { extendedCopy } from './extended-copy.js';

describe('extendedCopy', () => {
  it('is the spread of both: the fields of base, then those of extra, which win', () => {
    const base = { a: 1, b: 'two', c: null };
    const copy = extendedCopy(base, { c: 3, d: 'four' });
    expect(copy).toEqual({ ...base, c: 3, d: 'four' });
    expect(Object.keys(copy)).toEqual(['a', 'b', 'c', 'd']);
    expect(JSON.stringify(copy)).toBe(JSON.stringify({ ...base, c: 3, d: 'four' }));
  });

  it('leaves both inputs as they were and shares no object with them but their values', () => {
    const nested = { x: 1 };
    const base = { nested };
    const extra = { y: 2 };
    const copy = extendedCopy(base, extra);
    expect(copy).not.toBe(base);
    expect(copy.nested).toBe(nested);
    expect(base).toEqual({ nested });
    expect(extra).toEqual({ y: 2 });
  });

  it('copies own enumerable fields only, as the spread does', () => {
    const base = Object.create({ inherited: true }, { own: { value: 1, enumerable: true }, hidden: { value: 2, enumerable: false } });
    expect(extendedCopy(base as { own: number }, { z: 0 })).toEqual({ own: 1, z: 0 });
  });
});
