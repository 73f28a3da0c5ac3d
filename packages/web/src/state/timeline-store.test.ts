import type { Message } from '@confab/protocol';
import { describe, expect, it } from 'vitest';
import { merge } from './timeline-store.js';

const m = (seq: number, body = `#${seq}`) => ({ seq, id: `m${seq}`, body }) as Message;
const seqs = (messages: readonly Message[]) => messages.map((x) => x.seq);

describe('merge', () => {
  it('puts an older page before and a newer message after', () => {
    expect(seqs(merge([m(1), m(2)], [m(3), m(4)]))).toEqual([1, 2, 3, 4]);
    expect(seqs(merge([m(3), m(4)], [m(1), m(2)]))).toEqual([1, 2, 3, 4]);
    expect(seqs(merge([], [m(1)]))).toEqual([1]);
    expect(seqs(merge([m(1)], []))).toEqual([1]);
  });

  it('keeps each message once, the later copy winning, when the runs overlap', () => {
    const merged = merge([m(1), m(2), m(3)], [m(2, 'edited'), m(4)]);
    expect(seqs(merged)).toEqual([1, 2, 3, 4]);
    expect(merged[1]!.body).toBe('edited');
  });

  it('puts a few messages into their places among many, replacing a copy already held', () => {
    const held = Array.from({ length: 100 }, (_, i) => m(i * 2 + 1)); // odd seqs 1..199
    const merged = merge(held, [m(4), m(51, 'edited'), m(198)]);
    expect(merged).toHaveLength(102);
    expect(seqs(merged)).toEqual([...seqs(held), 4, 198].sort((x, y) => x - y));
    expect(merged.find((x) => x.seq === 51)!.body).toBe('edited');
    expect(held).toHaveLength(100); // the inputs are not changed
  });

  it('merges many overlapping messages by seq', () => {
    const a = Array.from({ length: 100 }, (_, i) => m(i + 1));
    const b = Array.from({ length: 100 }, (_, i) => m(i + 51, 'b'));
    const merged = merge(a, b);
    expect(seqs(merged)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(merged[60]!.body).toBe('b');
  });

  it('keeps the objects of the messages it does not replace (rows keep their memoised render)', () => {
    const a = [m(1), m(2)];
    const merged = merge(a, [m(3)]);
    expect(merged[0]).toBe(a[0]);
    expect(merged[1]).toBe(a[1]);
  });
});
