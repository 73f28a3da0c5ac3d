import { useSyncExternalStore } from 'react';
import { useApp } from '../../state/AppContext.js';
import { ExternalStore } from '../../state/external-store.js';

/** The quick bar before I have reacted with anything (Slack's and WhatsApp's usual six). */
export const DEFAULT_QUICK_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '🙏'] as const;
/** How many the quick bar shows; the picker's "Recently used" keeps a few more. */
export const QUICK_COUNT = 6;
const KEPT = 18;

/**
 * The emoji I used last (reacting or inserting into a message), newest first, per user in
 * localStorage: the quick bar shows the first six, the picker a row of them. Until I have used
 * six, the defaults fill the bar.
 */
export class RecentEmoji extends ExternalStore<readonly string[]> {
  constructor(
    private readonly key: string,
    private readonly storage: Storage,
  ) {
    super(readRecent(storage, key));
  }

  use(emoji: string): void {
    const next = [emoji, ...this.getSnapshot().filter((e) => e !== emoji)].slice(0, KEPT);
    this.set(next);
    try {
      this.storage.setItem(this.key, JSON.stringify(next));
    } catch {
      // Storage refused: remembered for this page only.
    }
  }
}

/** The six of the quick bar: the most recent first, then defaults not already there. */
export function quickBar(recent: readonly string[]): string[] {
  const bar = recent.slice(0, QUICK_COUNT);
  for (const emoji of DEFAULT_QUICK_EMOJI) if (bar.length < QUICK_COUNT && !bar.includes(emoji)) bar.push(emoji);
  return bar;
}

function readRecent(storage: Storage, key: string): string[] {
  try {
    const value = JSON.parse(storage.getItem(key) ?? '[]') as unknown;
    return Array.isArray(value) ? value.filter((e): e is string => typeof e === 'string').slice(0, KEPT) : [];
  } catch {
    return [];
  }
}

const stores = new Map<string, RecentEmoji>();

export function recentEmojiOf(userId: string): RecentEmoji {
  let store = stores.get(userId);
  if (!store) stores.set(userId, (store = new RecentEmoji(`confab.recent-emoji.${userId}`, localStorage)));
  return store;
}

/** The signed-in user's recent emoji store, and its list. */
export function useRecentEmoji(): [RecentEmoji, readonly string[]] {
  const store = recentEmojiOf(useApp().me.id);
  return [store, useSyncExternalStore(store.subscribe, store.getSnapshot)];
}
