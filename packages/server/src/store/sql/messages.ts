import type { HistoryPage, MessageRecord, RecentFilter } from '../store.js';
import { withQuotes } from './message-changes.js';
import { type Db, toMessage } from './rows.js';

/** Messages: history and the cross-conversation listing (the group-commit append is in message-append.ts). */

export async function listMessages(db: Db, conversationId: string, page: HistoryPage): Promise<MessageRecord[]> {
  let query = db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
  if (page.threads !== true) query = query.where('thread_root_id', 'is', null);
  if (page.before !== undefined) query = query.where('seq', '<', page.before);
  if (page.after !== undefined) query = query.where('seq', '>', page.after);
  const rows = await query
    .orderBy('seq', page.after !== undefined ? 'asc' : 'desc')
    .limit(page.limit)
    .execute();
  return withQuotes(db, rows.map(toMessage));
}

export async function listRecentMessages(db: Db, userId: string, filter: RecentFilter): Promise<MessageRecord[]> {
  let query = db
    .selectFrom('messages as m')
    .innerJoin('members as me', (join) => join.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', userId))
    .selectAll('m')
    .whereRef('m.seq', '>', 'me.cleared_seq'); // what I cleared is gone for me
  if (filter.sender !== undefined) query = query.where('m.sender_id', '=', filter.sender);
  if (filter.recipient !== undefined) {
    const recipient = filter.recipient;
    query = query
      .where('m.sender_id', '<>', recipient)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('members as r')
            .select('r.user_id')
            .whereRef('r.conversation_id', '=', 'm.conversation_id')
            .where('r.user_id', '=', recipient),
        ),
      );
  }
  if (filter.isRead === true) query = query.whereRef('m.seq', '<=', 'me.read_seq');
  if (filter.isRead === false) query = query.whereRef('m.seq', '>', 'me.read_seq');
  if (filter.beforeId !== undefined) query = query.where('m.id', '<', filter.beforeId);
  const rows = await query.orderBy('m.id', 'desc').limit(filter.limit).execute();
  return withQuotes(db, rows.map(toMessage));
}

/** The ids of messages with something due by `now` (an open poll's `closesAt`), soonest first. */
export async function listDue(db: Db, now: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('messages')
    .select('id')
    .where('due_at', 'is not', null)
    .where('due_at', '<=', now)
    .orderBy('due_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
