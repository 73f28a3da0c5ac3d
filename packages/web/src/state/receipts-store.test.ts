import { describe, expect, it } from 'vitest';
import { seenBy, tickFor } from './receipts-store.js';

const receipts = new Map([
  ['me', { userId: 'me', readSeq: 9, deliveredSeq: 9 }],
  ['bob', { userId: 'bob', readSeq: 3, deliveredSeq: 5 }],
  ['carol', { userId: 'carol', readSeq: 4, deliveredSeq: 4 }],
]);

describe('ticks', () => {
  it('says read once anyone else read it, delivered once it reached anyone else, sent otherwise; my own marker never counts', () => {
    expect([3, 4, 5, 6].map((seq) => tickFor(seq, receipts, 'me'))).toEqual(['read', 'read', 'delivered', 'sent']);
  });

  it('names who has seen a message', () => {
    expect(seenBy(3, receipts, 'me')).toEqual(['bob', 'carol']);
    expect(seenBy(4, receipts, 'me')).toEqual(['carol']);
    expect(seenBy(5, receipts, 'me')).toEqual([]);
  });
});
