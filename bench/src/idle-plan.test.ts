import { describe, expect, it } from 'vitest';
import { planGroups, splitAcross } from './idle-plan.js';

describe('splitAcross', () => {
  it('splits evenly, none above the cap, summing to the total', () => {
    expect(splitAcross(18_000, 5000)).toEqual([4500, 4500, 4500, 4500]);
    expect(splitAcross(10_001, 5000)).toEqual([3334, 3334, 3333]);
    expect(splitAcross(1000, 5000)).toEqual([1000]);
    expect(splitAcross(0, 5000)).toEqual([]);
  });
});

describe('planGroups', () => {
  it('puts every user in exactly perUser groups of at most size, each group with distinct members', () => {
    for (const [count, perUser, size] of [
      [19_000, 5, 20],
      [2000, 5, 20],
      [101, 5, 20],
      [30, 3, 7],
    ] as const) {
      const groups = planGroups(count, perUser, size);
      const seen = new Array<number>(count).fill(0);
      for (const group of groups) {
        expect(group.length).toBeLessThanOrEqual(size);
        expect(new Set(group).size).toBe(group.length);
        for (const u of group) seen[u]! += 1;
      }
      expect(seen.every((n) => n === perUser)).toBe(true);
      expect(groups.length).toBe(perUser * Math.ceil(count / size));
    }
  });

  it('mixes users across rounds: the second round does not repeat the first round’s groups', () => {
    const groups = planGroups(2000, 2, 20);
    const first = new Set(groups.slice(0, 100).map((g) => [...g].sort((a, b) => a - b).join(',')));
    const repeated = groups.slice(100).filter((g) => first.has([...g].sort((a, b) => a - b).join(',')));
    expect(repeated).toEqual([]);
  });
});
