import { sql } from 'kysely';
import type { AppendRefusal, MessageRecord, NewMessage } from '../store.js';
import { withQuotes } from './message-changes.js';
import { type Db, toMessage } from './rows.js';

/** What a new message's append writes besides its row: thread counts, mention rows, attachment links. */

/**
 * Moves each thread root's reply count and last reply time by the batch's replies to it, and
 * answers the roots as they are now. The roots are in the conversations this transaction holds.
 */
export async function countThreadReplies(trx: Db, created: readonly MessageRecord[]): Promise<MessageRecord[]> {
  const replies = new Map<string, { count: number; lastAt: number }>();
  for (const m of created) {
    if (m.threadRootId === null) continue;
    const entry = replies.get(m.threadRootId) ?? { count: 0, lastAt: 0 };
    replies.set(m.threadRootId, { count: entry.count + 1, lastAt: Math.max(entry.lastAt, m.createdAt) });
  }
  if (replies.size === 0) return [];
  for (const [rootId, { count, lastAt }] of [...replies].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await trx
      .updateTable('messages')
      .set((eb) => ({
        reply_count: eb('reply_count', '+', count),
        last_reply_at: sql<number>`case when last_reply_at > ${lastAt} then last_reply_at else ${lastAt} end`,
      }))
      .where('id', '=', rootId)
      .execute();
  }
  const rows = await trx
    .selectFrom('messages')
    .selectAll()
    .where('id', 'in', [...replies.keys()])
    .orderBy('seq')
    .execute();
  return withQuotes(trx, rows.map(toMessage));
}

/** One row per mentioned user, for counting mentions after a read marker. */
export async function insertMentions(trx: Db, created: readonly MessageRecord[]): Promise<void> {
  const rows = created.flatMap((m) =>
    m.mentions.map((userId) => ({ message_id: m.id, user_id: userId, conversation_id: m.conversationId, seq: m.seq })),
  );
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto('message_mentions')
      .values(rows.slice(i, i + 500))
      .execute();
}

/** Links each new message to the uploads it carries: what authorises their download and keeps them from the orphan sweep. */
export async function insertAttachmentLinks(trx: Db, created: readonly MessageRecord[]): Promise<void> {
  const rows = created.flatMap((m) =>
    (m.attachments ?? []).map((a) => ({ message_id: m.id, upload_id: a.id, conversation_id: m.conversationId })),
  );
  for (let i = 0; i < rows.length; i += 300)
    await trx
      .insertInto('message_attachments')
      .values(rows.slice(i, i + 300))
      .execute();
}

/**
 * Sorts the batch's new messages by whether every upload they carry is still there. One that was
 * swept or deleted since the send checked it (a race with the orphan sweep) refuses that message
 * alone (the service answers as its own check would have): the rest of the batch commits. The uploads still there are
 * written to (a no-op update: on PostgreSQL a row lock, which holds a concurrent delete until this
 * transaction commits), so the links inserted later never fail the batch on the foreign key.
 */
export async function sortByUploads<E extends { index: number; message: NewMessage }>(
  trx: Db,
  entries: readonly E[],
): Promise<{ kept: E[]; refused: Map<number, AppendRefusal> }> {
  const ids = [...new Set(entries.flatMap((e) => (e.message.attachments ?? []).map((a) => a.id)))].sort();
  const refused = new Map<number, AppendRefusal>();
  if (ids.length === 0) return { kept: [...entries], refused };
  const present = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .updateTable('uploads')
      .set((eb) => ({ owner_id: eb.ref('owner_id') }))
      .where('id', 'in', ids.slice(i, i + 500))
      .returning('id')
      .execute();
    for (const row of rows) present.add(row.id);
  }
  const kept: E[] = [];
  for (const entry of entries) {
    const missing = (entry.message.attachments ?? []).map((a) => a.id).filter((id) => !present.has(id));
    if (missing.length === 0) kept.push(entry);
    else refused.set(entry.index, { missingUploadIds: missing });
  }
  return { kept, refused };
}
