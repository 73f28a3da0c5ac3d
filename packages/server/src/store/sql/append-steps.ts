import { CompiledQuery, type Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { AppendResult, MessageRecord, NewMessage } from '../store.js';
import { paddedLists, shapedText } from './hot-statements.js';
import { type Db, toMessage } from './rows.js';

/**
 * The steps every way of appending a batch of new messages takes first (`message-append.ts`, and
 * an engine's one query, `one-query-append.ts`): which of them are stored already, which are
 * new, and the record a new one is stored as.
 */

/** A message of the batch with its place in the batch (results are answered in batch order). */
export type Entry = { index: number; message: NewMessage };

const idempotencyKey = (senderId: string, clientId: string) => `${senderId}\u0000${clientId}`;

/**
 * Step 1, idempotency: the batch's (sender, clientId) pairs already stored, by key. The pairs are
 * matched as row values, so each is one probe of the (sender_id, client_id) index: listing the
 * senders and the clientIds apart would probe every sender with every clientId of the batch
 * (50 senders × 300 clientIds is 15,000 probes, about 10× slower on a busy table).
 */
export async function findStored(trx: Db, batch: readonly NewMessage[]): Promise<Map<string, MessageRecord>> {
  const stored = new Map<string, MessageRecord>();
  const pairs = [...new Map(batch.map((m) => [idempotencyKey(m.senderId, m.clientId), m])).values()];
  // `IN (VALUES …)`: SQLite takes a row value's list only as a subquery; PostgreSQL takes either.
  for (const chunk of paddedLists(pairs, 400)) {
    const text = shapedText(trx, `stored|${chunk.length}`, (mark) => {
      const keys = chunk.map((_, i) => `(${mark(2 * i)}, ${mark(2 * i + 1)})`);
      return `select * from "messages" where (sender_id, client_id) in (values ${keys.join(', ')})`;
    });
    const params = chunk.flatMap((m) => [m.senderId, m.clientId]);
    const { rows } = await trx.executeQuery<Selectable<Database['messages']>>(CompiledQuery.raw(text, params));
    for (const row of rows) stored.set(idempotencyKey(row.sender_id, row.client_id), toMessage(row));
  }
  return stored;
}

/**
 * Step 2: stored pairs answer with the stored message; the rest are new, except repeats within
 * this batch, which share the first one's row.
 */
export function sortOut(batch: readonly NewMessage[], stored: Map<string, MessageRecord>) {
  const results: (AppendResult | undefined)[] = new Array(batch.length);
  const fresh: Entry[] = [];
  const firstInBatch = new Map<string, number>();
  const repeats: { index: number; of: number }[] = [];
  batch.forEach((message, index) => {
    const key = idempotencyKey(message.senderId, message.clientId);
    const existing = stored.get(key);
    if (existing) results[index] = { message: existing, created: false };
    else if (firstInBatch.has(key)) repeats.push({ index, of: firstInBatch.get(key)! });
    else {
      firstInBatch.set(key, index);
      fresh.push({ index, message });
    }
  });
  return { results, fresh, repeats };
}

/** A new message as stored: nothing edited, reacted to or pinned yet. */
export function newRecord({ advance: _advance, ...message }: NewMessage, seq: number): MessageRecord {
  return {
    kind: 'text',
    replyToId: null,
    threadRootId: null,
    mentions: [],
    ...message,
    seq,
    editedAt: null,
    deletedAt: null,
    replyTo: null,
    replyCount: 0,
    lastReplyAt: null,
    reactions: [],
    pinnedAt: null,
    pinnedBy: null,
  };
}

/**
 * The read markers a batch moves (the plan's `readBy` of each new message): one per (conversation,
 * reader), at the newest of their messages in the batch.
 */
export function readMarkersMoved(
  created: readonly MessageRecord[],
  readBy: (message: MessageRecord) => string | undefined,
): { conversationId: string; userId: string; seq: number }[] {
  const newest = new Map<string, { conversationId: string; userId: string; seq: number }>();
  for (const message of created) {
    const userId = readBy(message);
    if (userId === undefined) continue;
    const key = `${message.conversationId}\u0000${userId}`;
    if ((newest.get(key)?.seq ?? 0) < message.seq) newest.set(key, { conversationId: message.conversationId, userId, seq: message.seq });
  }
  return [...newest.values()];
}
