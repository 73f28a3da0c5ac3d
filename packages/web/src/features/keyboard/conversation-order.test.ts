import type { ConversationSummary } from '@confab/protocol';
import { describe, expect, it } from 'vitest';
import { adjacentConversation, listOrder, matchScore } from './conversation-order.js';

const c = (id: string, extra: Partial<ConversationSummary> = {}) =>
  ({ id, starred: false, archived: false, ...extra }) as ConversationSummary;

describe('moving through the list by keyboard', () => {
  const list = [c('a'), c('b', { starred: true }), c('old', { archived: true }), c('d')];

  it('follows the list as shown: starred first, archived left out', () => {
    expect(listOrder(list).map((x) => x.id)).toEqual(['b', 'a', 'd']);
  });

  it('moves one up or down and stops at either end', () => {
    expect(adjacentConversation(list, 'a', 1)?.id).toBe('d');
    expect(adjacentConversation(list, 'a', -1)?.id).toBe('b');
    expect(adjacentConversation(list, 'b', -1)).toBeNull();
    expect(adjacentConversation(list, 'd', 1)).toBeNull();
  });

  it('starts at the first from outside any conversation (or from an archived one)', () => {
    expect(adjacentConversation(list, undefined, 1)?.id).toBe('b');
    expect(adjacentConversation(list, 'old', -1)?.id).toBe('b');
    expect(adjacentConversation([], undefined, 1)).toBeNull();
  });
});

describe('matching in the quick switcher', () => {
  it('ranks the start of the name over the start of a word over anywhere', () => {
    const start = matchScore('Ana Lima @ana', 'ana');
    const word = matchScore('Design team @lima', 'lima');
    const inside = matchScore('Platform', 'form');
    expect(start).toBe(1);
    expect(word).toBeGreaterThan(inside);
    expect(inside).toBeGreaterThan(0);
  });

  it('needs every word, in any case and without accents', () => {
    expect(matchScore('José Álvarez @jose', 'jose alv')).toBeGreaterThan(0);
    expect(matchScore('José Álvarez @jose', 'ÁLVAREZ')).toBeGreaterThan(0);
    expect(matchScore('José Álvarez @jose', 'jose zed')).toBe(0);
    expect(matchScore('a.b (c)', '(c')).toBeGreaterThan(0);
  });
});
