import type { Updateable } from 'kysely';
import type { Database } from '../schema.js';
import { type LogEntry, appendEvents } from '../event-log.js';
import { lockConversations } from '../stream-locks.js';
import type { EditRecord, MessagePatch, MessageRecord, MessageUpdate, StoredEvent, UpdateOutcome } from '../store.js';
import { type Db, contentColumns, toMessage } from './rows.js';
import { updateById } from './hot-statements.js';
import type { SearchIndex } from './search.js';

/** One message after it was sent: reading it, changing it (edit, delete, reactions, pin), its versions, threads and pins. */

export async function getMessage(db: Db, id: string): Promise<MessageRecord | undefined> {
  const row = await db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  return row && (await withQuotes(db, [toMessage(row)]))[0];
}

/**
 * Changes a batch of messages in one transaction (one commit for many reactions and edits, as
 * group commit does for sends). The transaction first holds every conversation the batch touches
 * (in id order, the lock every change of a conversation takes first: sends, other changes), then
 * reads each message, so each `change` decides from what is stored now, the batch's own earlier
 * changes included; two concurrent reactions never overwrite each other. A `change` that throws
 * refuses only its own item, before it wrote anything; the others commit.
 */
export function updateMessages(
  db: Db,
  search: SearchIndex,
  batch: readonly MessageUpdate[],
): Promise<{ results: UpdateOutcome[]; events: StoredEvent[] }> {
  return db.transaction().execute(async (trx) => {
    const located = await locateUpdates(trx, batch);
    const lastPos = await lockConversations(trx, located.values());
    const { results, entries, now } = await stageUpdates(trx, search, batch, located);
    return { results, events: await appendEvents(trx, lastPos, entries, now) };
  });
}

/** The conversation of each message a batch of changes names (those that exist). */
export async function locateUpdates(trx: Db, batch: readonly MessageUpdate[]): Promise<Map<string, string>> {
  if (batch.length === 0) return new Map();
  const rows = await trx
    .selectFrom('messages')
    .select(['id', 'conversation_id'])
    .where('id', 'in', [...new Set(batch.map((u) => u.id))])
    .execute();
  return new Map(rows.map((r) => [r.id, r.conversation_id]));
}

/**
 * Applies a batch of changes inside a transaction that already holds their conversations, and
 * answers what to log (the caller logs it with the transaction's other events). The batch's
 * messages are read once, together; each change then decides from the record as its batch left
 * it (earlier changes of the same message, and of a message it quotes, included), and the
 * changed record is built from that and the patch rather than read again.
 */
export async function stageUpdates(
  trx: Db,
  search: SearchIndex,
  batch: readonly MessageUpdate[],
  located: Map<string, string>,
): Promise<{ results: UpdateOutcome[]; entries: LogEntry[]; now: number }> {
  const results: UpdateOutcome[] = [];
  const entries: LogEntry[] = [];
  let now = 0;
  const current = await readMessages(trx, [...new Set(batch.filter((u) => located.has(u.id)).map((u) => u.id))]);
  for (const { id, change, announce } of batch) {
    const before = current.get(id);
    if (!before) {
      results.push(undefined);
      continue;
    }
    let patch: MessagePatch | null;
    try {
      patch = change(before);
    } catch (refused) {
      results.push({ refused });
      continue;
    }
    if (patch === null) {
      results.push({ message: before, changed: false });
      continue;
    }
    const at = patch.editedAt ?? patch.deletedAt ?? patch.pinnedAt ?? Date.now();
    now = Math.max(now, at);
    if (patch.keepVersion) await keepVersion(trx, before, at);
    if (patch.erase) await erase(trx, before);
    if (patch.erase && before.attachments) await trx.deleteFrom('message_attachments').where('message_id', '=', id).execute();
    if (patch.mentions !== undefined) await replaceMentions(trx, before, patch.mentions);
    // A new body is indexed for search with the row, in this transaction (an edit, a delete's empty body).
    const indexed = patch.body === undefined ? {} : search.indexColumns(patch.body);
    const message = patched(before, patch);
    const content = patch.content !== undefined || patch.erase ? contentColumns(message) : {};
    await updateById(trx, 'messages', { ...columnsOf(patch), ...content, ...indexed }, id);
    current.set(id, message);
    requote(current, message);
    results.push({ message, changed: true });
    entries.push({ conversationId: message.conversationId, event: announce(message) });
  }
  return { results, entries, now };
}

/** The messages by id, each reply with its quote (`withQuotes`). */
export async function readMessages(trx: Db, ids: readonly string[]): Promise<Map<string, MessageRecord>> {
  const found = new Map<string, MessageRecord>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .selectFrom('messages')
      .selectAll()
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const message of await withQuotes(trx, rows.map(toMessage))) found.set(message.id, message);
  }
  return found;
}

/** The record as the patch leaves it: what reading the row again would answer. */
function patched(message: MessageRecord, patch: MessagePatch): MessageRecord {
  const next = { ...message };
  if (patch.body !== undefined) next.body = patch.body;
  if (patch.editedAt !== undefined) next.editedAt = patch.editedAt;
  if (patch.deletedAt !== undefined) next.deletedAt = patch.deletedAt;
  if (patch.reactions !== undefined) next.reactions = patch.reactions;
  if (patch.mentions !== undefined) next.mentions = patch.mentions;
  if (patch.pinnedAt !== undefined) next.pinnedAt = patch.pinnedAt;
  if (patch.pinnedBy !== undefined) next.pinnedBy = patch.pinnedBy;
  if (patch.location !== undefined) next.location = patch.location;
  if (patch.content !== undefined) Object.assign(next, patch.content);
  if (patch.erase) {
    delete next.attachments;
    delete next.voice;
    delete next.location;
    // A deleted poll's question and votes go too; a forward's origin stays (it is no content).
    delete next.poll;
    delete next.preview;
  }
  return next;
}

/** Replies of the batch that quote a message just changed quote it as it is now (edited, or deleted). */
function requote(batch: Map<string, MessageRecord>, quoted: MessageRecord): void {
  for (const [id, m] of batch) {
    if (m.replyTo?.id !== quoted.id) continue;
    batch.set(id, { ...m, replyTo: { ...m.replyTo, body: quoted.body, deleted: quoted.deletedAt !== null } });
  }
}

function columnsOf(patch: MessagePatch): Updateable<Database['messages']> {
  const set: Updateable<Database['messages']> = {};
  if (patch.body !== undefined) set.body = patch.body;
  if (patch.editedAt !== undefined) set.edited_at = patch.editedAt;
  if (patch.deletedAt !== undefined) set.deleted_at = patch.deletedAt;
  if (patch.reactions !== undefined) set.reactions = JSON.stringify(patch.reactions);
  if (patch.mentions !== undefined) set.mentions = JSON.stringify(patch.mentions);
  if (patch.pinnedAt !== undefined) set.pinned_at = patch.pinnedAt;
  if (patch.pinnedBy !== undefined) set.pinned_by = patch.pinnedBy;
  if (patch.location !== undefined) set.location = JSON.stringify(patch.location);
  if (patch.erase) Object.assign(set, { attachments: null, voice: null, location: null });
  return set;
}

/** Stores the body being replaced as the next earlier version. */
async function keepVersion(trx: Db, current: MessageRecord, replacedAt: number): Promise<void> {
  const last = await trx
    .selectFrom('message_edits')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('message_id', '=', current.id)
    .executeTakeFirst();
  const version = Number(last?.version ?? 0) + 1;
  await trx.insertInto('message_edits').values({ message_id: current.id, version, body: current.body, edited_at: replacedAt }).execute();
}

/**
 * Removes a deleted message's body from where it was kept besides the row: its earlier versions,
 * and the event log (its own events, and the excerpts of replies quoting it), so a replay shows
 * the tombstone's empty body too. The events are found by the message they carry
 * (`events.message_id`) and the replies by `reply_to_id`, both indexed: a delete reads only what
 * names the message, however busy the conversation was since.
 */
async function erase(trx: Db, message: MessageRecord): Promise<void> {
  await trx.deleteFrom('message_edits').where('message_id', '=', message.id).execute();
  const replies = await trx.selectFrom('messages').select('id').where('reply_to_id', '=', message.id).execute();
  const ids = [message.id, ...replies.map((r) => r.id)];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .selectFrom('events')
      .select(['pos', 'payload'])
      .where('message_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) {
      const event = JSON.parse(row.payload) as {
        message?: {
          id: string;
          body: string;
          replyTo: { id: string; excerpt: string } | null;
          attachments?: unknown;
          voice?: unknown;
          location?: unknown;
          poll?: unknown;
          preview?: unknown;
        };
      };
      const m = event.message;
      if (!m) continue;
      if (m.id === message.id) {
        m.body = '';
        delete m.attachments;
        delete m.voice;
        delete m.location;
        delete m.poll;
        // The card names the link that was in the body, so it goes with it.
        delete m.preview;
      }
      if (m.replyTo?.id === message.id) m.replyTo.excerpt = '';
      await trx
        .updateTable('events')
        .set({ payload: JSON.stringify(event) })
        .where('pos', '=', row.pos)
        .execute();
    }
  }
}

async function replaceMentions(trx: Db, current: MessageRecord, userIds: readonly string[]): Promise<void> {
  await trx.deleteFrom('message_mentions').where('message_id', '=', current.id).execute();
  if (userIds.length === 0) return;
  await trx
    .insertInto('message_mentions')
    .values(
      userIds.map((userId) => ({ message_id: current.id, user_id: userId, conversation_id: current.conversationId, seq: current.seq })),
    )
    .execute();
}

export async function listEdits(db: Db, messageId: string): Promise<EditRecord[]> {
  const rows = await db
    .selectFrom('message_edits')
    .select(['body', 'edited_at'])
    .where('message_id', '=', messageId)
    .orderBy('version')
    .execute();
  return rows.map((r) => ({ body: r.body, editedAt: Number(r.edited_at) }));
}

export async function listThread(db: Db, rootId: string, page: { limit: number; after?: number }): Promise<MessageRecord[]> {
  let query = db.selectFrom('messages').selectAll().where('thread_root_id', '=', rootId);
  if (page.after !== undefined) query = query.where('seq', '>', page.after);
  const rows = await query.orderBy('seq').limit(page.limit).execute();
  return withQuotes(db, rows.map(toMessage));
}

export async function listPins(db: Db, conversationId: string, limit: number): Promise<MessageRecord[]> {
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('pinned_at', 'is not', null)
    .orderBy('pinned_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return withQuotes(db, rows.map(toMessage));
}

/**
 * Fills in each reply's `replyTo` from the quoted message as it is now (edited, or deleted:
 * then without its body), with one query for the whole list. Returns the same records.
 */
export async function withQuotes(db: Db, messages: MessageRecord[]): Promise<MessageRecord[]> {
  const quotedIds = [...new Set(messages.flatMap((m) => (m.replyToId === null ? [] : [m.replyToId])))];
  if (quotedIds.length === 0) return messages;
  const quoted = new Map<string, { id: string; seq: number; sender_id: string; body: string; deleted_at: number | null }>();
  for (let i = 0; i < quotedIds.length; i += 500) {
    const rows = await db
      .selectFrom('messages')
      .select(['id', 'seq', 'sender_id', 'body', 'deleted_at'])
      .where('id', 'in', quotedIds.slice(i, i + 500))
      .execute();
    for (const row of rows) quoted.set(row.id, row);
  }
  for (const m of messages) {
    const q = m.replyToId === null ? undefined : quoted.get(m.replyToId);
    m.replyTo = q ? { id: q.id, seq: Number(q.seq), senderId: q.sender_id, body: q.body, deleted: q.deleted_at !== null } : null;
  }
  return messages;
}
