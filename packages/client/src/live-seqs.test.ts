import type { EventDraft, PositionedEvent } from '@confab/protocol';
import { describe, expect, it } from 'vitest';
import { message, me } from './chat-state.test-support.js';
import { LiveSeqs } from './live-seqs.js';

let pos = 0;
const positioned = (event: EventDraft) => ({ ...event, pos: ++pos, prev: pos - 1 }) as PositionedEvent;
const created = (conversationId: string, seq: number) =>
  positioned({ type: 'message.created', message: { ...message(seq, 'u2'), conversationId } });
const removed = (conversationId: string, userId: string) => positioned({ type: 'member.removed', conversationId, userId, by: 'u2' });

describe('LiveSeqs', () => {
  it('keeps the highest message seq handed on per conversation, and nothing for one with no message yet', () => {
    const live = new LiveSeqs();
    live.handedOn(created('a', 3), me);
    live.handedOn(created('a', 2), me); // a late copy never moves it back
    live.handedOn(created('b', 7), me);
    live.handedOn(positioned({ type: 'message.updated', message: { ...message(9, 'u2'), conversationId: 'a' } }), me);
    expect([live.last('a'), live.last('b'), live.last('c')]).toEqual([3, 7, undefined]);
  });

  it('forgets a conversation when I am removed from it, not when someone else is', () => {
    const live = new LiveSeqs();
    live.handedOn(created('a', 3), me);
    live.handedOn(removed('a', 'u3'), me);
    expect(live.last('a')).toBe(3);
    live.handedOn(removed('a', me), me);
    expect(live.last('a')).toBeUndefined();
  });

  it('forgets one conversation on its reset, and every one on a new socket', () => {
    const live = new LiveSeqs();
    live.handedOn(created('a', 3), me);
    live.handedOn(created('b', 4), me);
    live.forget('a');
    expect([live.last('a'), live.last('b')]).toEqual([undefined, 4]);
    live.handedOn(created('a', 5), me);
    live.forget();
    expect([live.last('a'), live.last('b')]).toEqual([undefined, undefined]);
  });
});
