import { describe, expect, it } from 'vitest';
import { DEFAULT_QUICK_EMOJI, RecentEmoji, quickBar } from './recent-emoji.js';

/** A Storage over a Map (node has no localStorage). */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

describe('the quick bar of recent emoji', () => {
  it('shows the defaults before anything is used', () => {
    expect(quickBar([])).toEqual([...DEFAULT_QUICK_EMOJI]);
  });

  it('puts the most recent first, without doubles, and fills up with defaults', () => {
    const recent = new RecentEmoji('k', memoryStorage());
    recent.use('🚀');
    recent.use('👍');
    recent.use('🚀');
    expect(recent.getSnapshot()).toEqual(['🚀', '👍']);
    expect(quickBar(recent.getSnapshot())).toEqual(['🚀', '👍', '❤️', '😂', '🎉', '😮']);
  });

  it('keeps six on the bar however many were used', () => {
    const used = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(quickBar(used)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('is kept per key across instances, and ignores a value it did not write', () => {
    const storage = memoryStorage();
    new RecentEmoji('k', storage).use('🍕');
    expect(new RecentEmoji('k', storage).getSnapshot()).toEqual(['🍕']);
    expect(new RecentEmoji('other', storage).getSnapshot()).toEqual([]);
    storage.setItem('bad', '{not json');
    expect(new RecentEmoji('bad', storage).getSnapshot()).toEqual([]);
    storage.setItem('mixed', JSON.stringify(['🍕', 3, null]));
    expect(new RecentEmoji('mixed', storage).getSnapshot()).toEqual(['🍕']);
  });
});
