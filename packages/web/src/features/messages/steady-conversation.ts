import type { ConversationSummary } from '@confab/protocol';
import { useState } from 'react';

/**
 * What changes with every message that arrives (the unread counts, the read marker, the preview),
 * and that nothing inside a message row reads.
 */
const VOLATILE = new Set<keyof ConversationSummary>([
  'lastSeq',
  'lastActivityAt',
  'readSeq',
  'lastPos',
  'unreadCount',
  'mentionCount',
  'unreadThreads',
  'lastMessage',
]);

/** Whether two versions of a conversation differ in anything but its VOLATILE fields. */
export function sameForRows(a: ConversationSummary, b: ConversationSummary): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof ConversationSummary)[]);
  for (const key of keys) {
    if (!VOLATILE.has(key) && a[key] !== b[key]) return false;
  }
  return true;
}

/**
 * The conversation as message rows see it: the same object until something they may read changes
 * (its name, kind, my role, muted …). The summary itself is new with every message that arrives,
 * and handing it to the rows' contexts made every row on screen render again per arrival.
 */
export function useSteadyConversation(conversation: ConversationSummary): ConversationSummary {
  const [kept, keep] = useState(conversation);
  if (kept === conversation || sameForRows(kept, conversation)) return kept;
  keep(conversation); // React's way to adjust state to a new prop: rendered again at once, before the commit
  return conversation;
}
