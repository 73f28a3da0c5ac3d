import type { HistoryQuery, MessagePage, RecentMessagesQuery } from '@confab/protocol';
import type { Store } from '../../store/store.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import type { MembershipCache } from '../conversations/membership.js';
import { messageView } from '../views.js';
import { readerViews } from './forwarding.js';

export interface HistoryDeps {
  store: Store;
  membership: MembershipCache;
  limits: { messagesPageSize: number; messagesPageMax: number };
}

/** A page of one conversation's messages for a member, from after what they cleared. */
export async function historyPage(deps: HistoryDeps, userId: string, conversationId: string, query: HistoryQuery): Promise<MessagePage> {
  const { store, membership, limits } = deps;
  await membership.requireRole(conversationId, userId);
  const limit = Math.min(query.limit ?? limits.messagesPageSize, limits.messagesPageMax);
  // My history starts after what I cleared (others still see it).
  const clearedSeq = (await store.members.getMemberSettings(conversationId, userId))?.clearedSeq ?? 0;
  const rows = (
    await store.messages.listMessages(conversationId, {
      limit: limit + 1,
      threads: query.threads === 'include',
      ...(query.before === undefined ? {} : { before: query.before }),
      ...(query.after === undefined ? {} : { after: Math.max(query.after, clearedSeq) }),
    })
  ).filter((m) => m.seq > clearedSeq);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  // Forwarded copies name their source to readers who are members there (forwarding.ts).
  return { items: await readerViews(membership, userId, items), nextCursor: rows.length > limit && last ? String(last.seq) : null };
}

/** A page of the messages across all my conversations, newest first, filtered by sender, recipient or read state. */
export async function recentPage(deps: HistoryDeps, userId: string, query: RecentMessagesQuery): Promise<MessagePage> {
  const limit = query.limit ?? deps.limits.messagesPageSize;
  const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, CursorFields.id);
  const rows = await deps.store.messages.listRecentMessages(userId, {
    limit: limit + 1,
    ...(query.sender === undefined ? {} : { sender: query.sender }),
    ...(query.recipient === undefined ? {} : { recipient: query.recipient }),
    ...(query.is_read === undefined ? {} : { isRead: query.is_read }),
    ...(beforeId === undefined ? {} : { beforeId }),
  });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map((m) => messageView(m)), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}
