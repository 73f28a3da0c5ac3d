import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('makes version 7 UUIDs that sort in the order they were made', () => {
    const ids = Array.from({ length: 5000 }, () => newId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws fresh random bits past the pool of one refill (1,024 words)', () => {
    // The last 32 bits are random in every id (one word each, beside the counter's reseeds): 3,000
    // ids use up the pool at least twice. Two random words collide in about one run of 1,000;
    // eleven collisions (a stale or repeating pool) would fail.
    const random = new Set(Array.from({ length: 3000 }, () => newId().slice(-8)));
    expect(random.size).toBeGreaterThan(2990);
  });
});
