import type { ConversationSummary } from '@confab/protocol';

/**
 * The conversations in the order the list shows them (starred, then the rest most recent first;
 * the archived, folded away there, left out), for Alt+↑/↓.
 */
export function listOrder(conversations: readonly ConversationSummary[]): ConversationSummary[] {
  const live = conversations.filter((c) => !c.archived);
  return [...live.filter((c) => c.starred), ...live.filter((c) => !c.starred)];
}

/**
 * The conversation `step` places from `currentId` in the list (−1 above, +1 below), stopping at
 * either end; from no conversation (the home page), the first. Null when there is nowhere to go.
 */
export function adjacentConversation(
  conversations: readonly ConversationSummary[],
  currentId: string | undefined,
  step: -1 | 1,
): ConversationSummary | null {
  const ordered = listOrder(conversations);
  const at = ordered.findIndex((c) => c.id === currentId);
  const next = at < 0 ? 0 : at + step;
  const found = ordered[next];
  return found && found.id !== currentId ? found : null;
}

/**
 * How well `query` matches `text` in the quick switcher, from 0 (not at all) to 1: every word of
 * the query must be found, best at the start of the text, then at the start of a word (a
 * username, a surname), then anywhere. Case and accents are ignored.
 */
export function matchScore(text: string, query: string): number {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return 1;
  const haystack = fold(text);
  let total = 0;
  for (const word of words) {
    const at = haystack.indexOf(word);
    if (at < 0) return 0;
    total += at === 0 ? 1 : new RegExp(`(^|[\\s@._-])${escape(word)}`).test(haystack) ? 0.8 : 0.5;
  }
  return total / words.length;
}

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
