import type { DecryptedHit } from '@confab/client';
import type { SearchHit } from '@confab/protocol';
import { describe, expect, it } from 'vitest';
import { mergeHits } from './shown-hits.js';

const at = (minute: number) => `2026-11-26T10:${String(minute).padStart(2, '0')}:00.000Z`;
const server = (id: string, minute: number) =>
  ({
    message: { id, conversationId: 'plain', seq: minute, senderId: 'u1', createdAt: at(minute), threadRootId: null },
    snippet: id,
    highlights: [],
  }) as unknown as SearchHit;
const device = (seq: number, minute?: number): DecryptedHit => ({
  conversationId: 'sealed',
  seq,
  ...(minute === undefined ? {} : { createdAt: at(minute) }),
  snippet: `d${seq}`,
  highlights: [],
});

describe('mergeHits', () => {
  it('places the device’s hits among the server’s by time, keeping the server’s order', () => {
    const merged = mergeHits([server('s9', 9), server('s5', 5), server('s1', 1)], false, [device(8, 8), device(3, 3), device(0)]);
    expect(merged.map((h) => h.snippet)).toEqual(['s9', 'd8', 's5', 'd3', 's1', 'd0']);
    expect(merged.map((h) => h.onDevice)).toEqual([false, true, false, true, false, true]);
  });

  it('holds back device hits older than the server’s last while it has more pages', () => {
    const merged = mergeHits([server('s9', 9), server('s5', 5)], true, [device(7, 7), device(2, 2)]);
    expect(merged.map((h) => h.snippet)).toEqual(['s9', 'd7', 's5']);
  });

  it('lists the device’s hits alone when the server found nothing', () => {
    expect(mergeHits([], false, [device(2, 2), device(1, 1)]).map((h) => h.key)).toEqual(['device:sealed:2', 'device:sealed:1']);
  });
});
