import { describe, expect, it } from 'vitest';
import type { InteractionRecord } from '../../store/store.js';
import { HALF_LIFE_MS, rankByFrecency } from './frecency.js';

const now = 1_800_000_000_000;
const at = (kind: InteractionRecord['kind'], conversationId: string, peerId: string | null, daysAgo: number): InteractionRecord => ({
  kind,
  conversationId,
  peerId,
  at: now - daysAgo * 86_400_000,
});

describe('rankByFrecency', () => {
  it('weighs by kind and halves with each week of age; skips what has no key', () => {
    const ranked = rankByFrecency(
      [
        at('sent', 'c1', null, 0),
        at('sent', 'c2', 'u2', 7),
        at('sent', 'c2', 'u2', 7),
        at('mentioned', 'c3', 'u3', 0),
        at('read', 'c4', null, 0),
      ],
      now,
      (i) => i.conversationId,
    );
    expect(ranked).toEqual([
      { key: 'c3', score: 2 },
      { key: 'c1', score: 1 },
      { key: 'c2', score: 1 },
      { key: 'c4', score: 0.25 },
    ]);
    expect(rankByFrecency([at('sent', 'c1', null, 0)], now, (i) => i.peerId)).toEqual([]);
    // Frequent long ago loses to recent: four sends three weeks ago (0.5) against one today (1).
    const old = Array.from({ length: 4 }, () => at('sent', 'old', null, 21));
    expect(rankByFrecency([...old, at('sent', 'new', null, 0)], now, (i) => i.conversationId)[0]!.key).toBe('new');
    expect(HALF_LIFE_MS).toBe(7 * 86_400_000);
  });
});
