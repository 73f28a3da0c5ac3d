import { describe, expect, it } from 'vitest';
import { RecentHashes, popcount } from './recent-hashes.js';
import { hammingDistance } from './spam-model.js';

describe('popcount', () => {
  it('counts the set bits of any 32-bit value, as the bit-by-bit count does', () => {
    for (const v of [0, 1, 0x80000000, 0xffffffff, 0x55555555, 0xdeadbeef, 123456789]) {
      expect(popcount(v)).toBe(hammingDistance(v, 0));
    }
    for (let i = 0; i < 1000; i++) {
      const v = Math.imul(i + 1, 2654435761) >>> 0;
      expect(popcount(v)).toBe(hammingDistance(v, 0));
    }
  });
});

describe('RecentHashes', () => {
  it('counts kept hashes within the bit distance', () => {
    const ring = new RecentHashes(10, 60_000);
    ring.add(0b1111, 0);
    ring.add(0b1110, 1);
    ring.add(0xffff0000, 2);
    expect(ring.countNear(0b1111, 1, 3)).toBe(2);
    expect(ring.countNear(0b1111, 0, 3)).toBe(1);
    expect(ring.countNear(0x0f0f0f0f, 3, 3)).toBe(0);
  });

  it('forgets hashes older than the window', () => {
    const ring = new RecentHashes(10, 1000);
    ring.add(7, 0);
    ring.add(7, 500);
    expect(ring.countNear(7, 0, 999)).toBe(2);
    expect(ring.countNear(7, 0, 1000)).toBe(1); // the first is exactly a window old
    expect(ring.countNear(7, 0, 1500)).toBe(0);
    expect(ring.size).toBe(0);
  });

  it('keeps only the latest `capacity` hashes, across wrapping many times', () => {
    const ring = new RecentHashes(3, 60_000);
    for (let i = 0; i < 10; i++) ring.add(i, i);
    expect(ring.size).toBe(3);
    for (const kept of [7, 8, 9]) expect(ring.countNear(kept, 0, 10)).toBe(1);
    for (const dropped of [0, 6]) expect(ring.countNear(dropped, 0, 10)).toBe(0);
    ring.add(10, 11);
    expect(ring.countNear(7, 0, 12)).toBe(0);
    expect(ring.countNear(10, 0, 12)).toBe(1);
  });
});
