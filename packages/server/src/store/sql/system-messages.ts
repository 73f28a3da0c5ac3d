import type { LogEntry } from '../event-log.js';
import type { MessageRecord, SystemDraft } from '../store.js';
import { type Db, messageRow } from './rows.js';

/**
 * A system message in the transaction of the change it records (a member added or removed, a
 * title changed): the conversation's next seq, its row, the actor's read marker moved to it as a
 * send does, and the entry to log (after the change's own event). The caller holds the
 * conversation row already (lock order: conversations, then the head).
 */
export async function appendSystemMessage(
  trx: Db,
  conversationId: string,
  draft: SystemDraft,
  now: number,
): Promise<{ message: MessageRecord; entry: LogEntry }> {
  const row = await trx
    .updateTable('conversations')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1), last_activity_at: now }))
    .where('id', '=', conversationId)
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  const message: MessageRecord = {
    id: draft.id,
    conversationId,
    seq: Number(row.last_seq),
    senderId: draft.system.actorId,
    // Unique per sender like any clientId, and never one a client could have chosen.
    clientId: `system:${draft.id}`,
    kind: 'system',
    body: '',
    createdAt: now,
    editedAt: null,
    deletedAt: null,
    replyToId: null,
    replyTo: null,
    threadRootId: null,
    replyCount: 0,
    lastReplyAt: null,
    reactions: [],
    mentions: [],
    pinnedAt: null,
    pinnedBy: null,
    system: draft.system,
  };
  await trx.insertInto('messages').values(messageRow(message)).execute();
  await trx
    .updateTable('members')
    .set({ read_seq: message.seq })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', draft.system.actorId)
    .where('read_seq', '<', message.seq)
    .execute();
  return { message, entry: { conversationId, event: draft.announce(message) } };
}
