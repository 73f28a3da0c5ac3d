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
});
