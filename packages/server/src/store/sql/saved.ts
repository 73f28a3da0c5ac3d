import { appendEvents } from '../event-log.js';
import { lockUserStreams } from '../stream-locks.js';
import type { Draft, MessageRecord, SavedChange, SavedPageKey, SavedRecord, StoredEvent } from '../store.js';
import { withQuotes } from './message-changes.js';
import { type Db, toMessage } from './rows.js';

/**
 * Each user's saved messages (issue 37). Saving and unsaving log `saved.updated` in the user's
 * private stream when they change something; the row is written first, then the stream locked
 * (the order of thread reads, store/sql/threads.ts).
 */

export function setSaved(
  db: Db,
  userId: string,
  message: MessageRecord,
  savedAt: number | null,
  announce: Draft<SavedChange>,
): Promise<{ changed: boolean; events: StoredEvent[] }> {
  return db.transaction().execute(async (trx) => {
    let changed: boolean;
    if (savedAt !== null) {
      const inserted = await trx
        .insertInto('saved_messages')
        .values({ user_id: userId, message_id: message.id, conversation_id: message.conversationId, saved_at: savedAt })
        .onConflict((oc) => oc.columns(['user_id', 'message_id']).doNothing())
        .executeTakeFirst();
      changed = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    } else {
      const deleted = await trx
        .deleteFrom('saved_messages')
        .where('user_id', '=', userId)
        .where('message_id', '=', message.id)
        .executeTakeFirst();
      changed = Number(deleted.numDeletedRows) > 0;
    }
    if (!changed) return { changed, events: [] };
    const lastPos = await lockUserStreams(trx, [userId]);
    const change: SavedChange = { userId, conversationId: message.conversationId, messageId: message.id, savedAt };
    const events = await appendEvents(trx, lastPos, [{ conversationId: userId, private: true, event: announce(change) }], Date.now());
    return { changed, events };
  });
}

/** My saved messages, newest saved first, in conversations I am still a member of and after what I cleared there. */
export async function listSaved(db: Db, userId: string, page: { limit: number; before?: SavedPageKey }): Promise<SavedRecord[]> {
  let query = db
    .selectFrom('saved_messages as s')
    .innerJoin('messages as m', 'm.id', 's.message_id')
    .innerJoin('members as me', (join) => join.onRef('me.conversation_id', '=', 's.conversation_id').on('me.user_id', '=', userId))
    .selectAll('m')
    .select('s.saved_at')
    .where('s.user_id', '=', userId)
    .whereRef('m.seq', '>', 'me.cleared_seq');
  const before = page.before;
  if (before !== undefined)
    query = query.where((eb) =>
      eb.or([
        eb('s.saved_at', '<', before.savedAt),
        eb.and([eb('s.saved_at', '=', before.savedAt), eb('s.message_id', '<', before.messageId)]),
      ]),
    );
  const rows = await query.orderBy('s.saved_at', 'desc').orderBy('s.message_id', 'desc').limit(page.limit).execute();
  const messages = await withQuotes(
    db,
    rows.map(({ saved_at: _, ...row }) => toMessage(row)),
  );
  return messages.map((message, i) => ({ message, savedAt: Number(rows[i]!.saved_at) }));
}
