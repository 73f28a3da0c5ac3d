import { describe, expect, it } from 'vitest';
import { loadKey, loadLabel, loadsOf, roundOrder, senderCount, senderPlan } from './peers/plan.js';

describe('the peers phase’s loads and pairs', () => {
  it('runs each level with a user per sender, and again with fewer users only where they are fewer than the senders', () => {
    expect(loadsOf([1, 10, 100], ['each', 4])).toEqual([
      { senders: 1, users: 1 },
      { senders: 10, users: 1 * 10 },
      { senders: 10, users: 4 },
      { senders: 100, users: 100 },
      { senders: 100, users: 4 },
    ]);
    expect(loadsOf([4, 100], [4])).toEqual([{ senders: 100, users: 4 }]);
  });

  it('names a shared-user load apart from the one-user-per-sender load', () => {
    expect(loadKey({ senders: 100, users: 100 })).toBe('100');
    expect(loadKey({ senders: 100, users: 4 })).toBe('100/4u');
    expect(loadLabel({ senders: 100, users: 4 })).toBe('100 (4 users)');
    expect(loadLabel({ senders: 10, users: 1 })).toBe('10 (1 user)');
    expect(loadLabel({ senders: 1, users: 1 })).toBe('1');
  });

  it('gives every pair a recipient of its own and shares sender users only within a load, round-robin', () => {
    const plan = senderPlan(loadsOf([2, 5], ['each', 2]), 2, 3);
    // Per path: 2 senders (users 0,1), 5 senders (users 2..6), 5 senders over 2 users (7,8).
    const onePath = [0, 1, 2, 3, 4, 5, 6, 7, 8, 7, 8, 7];
    expect(plan).toEqual([...onePath, ...onePath.map((u) => u + 9), 18, 19, 20]);
    expect(senderCount(plan)).toBe(21);
    expect(senderCount([])).toBe(0);
  });

  it('gives every server a turn in each round of a level, the first one step later each round', () => {
    expect([0, 1, 2, 3].map((round) => roundOrder(round, 3))).toEqual([
      [0, 1, 2],
      [1, 2, 0],
      [2, 0, 1],
      [0, 1, 2],
    ]);
    expect(roundOrder(5, 1)).toEqual([0]);
  });
});
