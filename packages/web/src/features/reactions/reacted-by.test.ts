import { describe, expect, it } from 'vitest';
import { reactedBy } from './reacted-by.js';

const names: Record<string, string> = { a: 'Ada', b: 'Bo', c: 'Cy' };
const nameOf = (id: string) => names[id];

describe('reactedBy', () => {
  it('names one person, or me', () => {
    expect(reactedBy(['a'], 'me', nameOf)).toBe('Ada');
    expect(reactedBy(['me'], 'me', nameOf)).toBe('you');
  });

  it('joins with "and", me last', () => {
    expect(reactedBy(['me', 'a', 'b'], 'me', nameOf)).toBe('Ada, Bo and you');
    expect(reactedBy(['a', 'b', 'c'], 'me', nameOf)).toBe('Ada, Bo and Cy');
  });

  it('says "someone" for a name not loaded yet', () => {
    expect(reactedBy(['a', 'x'], 'me', nameOf)).toBe('Ada and someone');
  });

  it('counts the rest beyond ten', () => {
    const ids = Array.from({ length: 13 }, (_, i) => `u${i}`);
    const text = reactedBy(ids, 'me', (id) => id.toUpperCase());
    expect(text).toBe('U0, U1, U2, U3, U4, U5, U6, U7, U8, U9 and 3 others');
    expect(reactedBy([...ids.slice(0, 10), 'me'], 'me', (id) => id)).toBe('u0, u1, u2, u3, u4, u5, u6, u7, u8, you and 1 other');
  });
});
