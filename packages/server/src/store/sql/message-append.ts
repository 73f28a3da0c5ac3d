import { CompiledQuery, type Insertable, type Selectable } from 'kysely';
import type { Database } from '../schema.js';
import { type LogEntry, appendEvents } from '../event-log.js';
import { lockConversations, lockUserStreams, reserveConversationSeqs } from '../stream-locks.js';
import type {
  AppendOutcome,
  AppendPlan,
  AppendResult,
  MessageRecord,
  MessageUpdate,
  NewMessage,
  NotifyDraft,
  StoredEvent,
  UpdateOutcome,
} from '../store.js';
import { locateUpdates, stageUpdates, withQuotes } from './message-changes.js';
import { countThreadReplies, insertAttachmentLinks, insertMentions, sortByUploads } from './message-links.js';
import { insertBulk, paddedLists, shapedText } from './hot-statements.js';
import { insertNotificationRows, notificationEntries } from './notifications.js';
import { type Db, type UniqueViolationOf, messageRow, toMessage } from './rows.js';
import type { SearchIndex } from './search.js';

/**
 * The group-commit append: one transaction for a batch of new messages, changes of stored ones
 * and notifications, in named steps (idempotency lookup, reserving seqs, inserting rows, thread
 * counts).
 */

type Appended = { results: AppendOutcome[]; events: StoredEvent[]; updates: UpdateOutcome[] };

/** A new message of a batch as it will be stored, but for its seq, and its place in the batch. */
export interface FreshMessage {
  index: number;
  record: MessageRecord;
}

/**
 * An engine's way to store a batch of plain new messages (in that order) and commit the
 * transaction `conn` has open, in one query: sets each record's seq and answers the logged
 * events, or answers undefined having written nothing (the batch then goes statement by statement).
 */
export type FreshAppender = (conn: Db, fresh: readonly FreshMessage[], plan: AppendPlan) => Promise<StoredEvent[] | undefined>;
/** A message of the batch with its place in the batch (results are answered in batch order). */
type Entry = { index: number; message: NewMessage };

export async function appendMessages(
  db: Db,
  uniqueViolation: UniqueViolationOf,
  search: SearchIndex,
  batch: readonly NewMessage[],
  plan: AppendPlan,
  updates: readonly MessageUpdate[] = [],
  notify?: NotifyDraft,
  appendFresh?: FreshAppender,
): Promise<Appended> {
  const attempt = () =>
    appendFresh && inOneQuery(batch, updates, notify)
      ? appendInOneQuery(db, search, batch, plan, appendFresh)
      : appendOnce(db, search, batch, plan, updates, notify);
  try {
    return await attempt();
  } catch (error) {
    // Another node stored one of these (sender, clientId) pairs after our idempotency read:
    // the unique index refused the duplicate, and a second pass finds the stored message.
    if (uniqueViolation(error) === undefined) throw error;
    return attempt();
  }
}

/**
 * Whether the engine's one-query append takes the batch: plain new messages only (no changes,
 * notifications, replies or attachments, whose steps read under the locks), in at most 300
 * conversations.
 */
function inOneQuery(batch: readonly NewMessage[], updates: readonly MessageUpdate[], notify: NotifyDraft | undefined): boolean {
  if (updates.length > 0 || (notify !== undefined && notify.notifications.length > 0)) return false;
  const conversations = new Set<string>();
  for (const m of batch) {
    if ((m.replyToId ?? null) !== null || (m.threadRootId ?? null) !== null || (m.attachments?.length ?? 0) > 0) return false;
    conversations.add(m.conversationId);
  }
  return conversations.size > 0 && conversations.size <= 300;
}

/**
 * `appendOnce` for a batch of plain new messages, where the engine has a `FreshAppender`: BEGIN,
 * the idempotency lookup (no locks yet), then the engine's one query that stores, numbers, logs
 * and commits the new ones, so the node has nothing to do while the locks are held.
 */
async function appendInOneQuery(
  db: Db,
  search: SearchIndex,
  batch: readonly NewMessage[],
  plan: AppendPlan,
  appendFresh: FreshAppender,
): Promise<Appended> {
  const appended = await db.connection().execute(async (conn): Promise<Appended | undefined> => {
    await conn.executeQuery(CompiledQuery.raw('begin'));
    let events: StoredEvent[] | undefined = [];
    let results: (AppendResult | undefined)[] = [];
    try {
      const stored = await findStored(conn, batch);
      const sorted = sortOut(batch, stored);
      results = sorted.results;
      await withQuotes(
        conn,
        results.flatMap((r) => (r ? [r.message] : [])),
      );
      if (sorted.fresh.length === 0) {
        await conn.executeQuery(CompiledQuery.raw('commit'));
      } else {
        const fresh = sorted.fresh.map(({ index, message }) => ({ index, record: newRecord(message, 0) }));
        events = await appendFresh(conn, fresh, plan);
        if (events !== undefined) {
          for (const { index, record } of fresh) results[index] = { message: record, created: true };
          for (const { index, of } of sorted.repeats) results[index] = { message: results[of]!.message, created: false };
        } else await conn.executeQuery(CompiledQuery.raw('rollback'));
      }
    } catch (error) {
      // A failed statement leaves the transaction aborted; a failed COMMIT has ended it.
      await conn.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
      throw error;
    }
    return events && { results: results.map((r) => r!), events, updates: [] };
  });
  // An event that could not be cut into pieces: the batch goes statement by statement.
  return appended ?? appendOnce(db, search, batch, plan, [], undefined);
}

/**
 * One transaction (one commit) for the batch's new messages, its changes of stored ones and its
 * notifications. With changes, every conversation the transaction touches is locked first, in id
 * order (one lock order across nodes); the recipients' private streams after the conversations
 * (sends lock theirs by reserving seqs), the head last. The new messages' events are logged
 * before the changes', the notifications' last.
 */
function appendOnce(
  db: Db,
  search: SearchIndex,
  batch: readonly NewMessage[],
  plan: AppendPlan,
  updates: readonly MessageUpdate[],
  notify: NotifyDraft | undefined,
): Promise<Appended> {
  return db.transaction().execute(async (trx) => {
    const located = await locateUpdates(trx, updates);
    const lastPos =
      located.size > 0
        ? await lockConversations(trx, [...batch.map((m) => m.conversationId), ...located.values()])
        : new Map<string, number>();
    const stored = await findStored(trx, batch);
    const { results, fresh: sorted, repeats } = sortOut(batch, stored);
    const { kept: fresh, refused } = await sortByUploads(trx, sorted);
    const entries: LogEntry[] = [];
    let now = 0;
    if (fresh.length > 0) {
      const { rows, lastPos: reserved } = await reserveSeqs(trx, fresh, results);
      for (const [id, pos] of reserved) lastPos.set(id, pos);
      const created = fresh.map((f) => results[f.index]!.message);
      if (plan.readBy) await moveReadMarkers(trx, created, plan.readBy);
      await insertRows(trx, search, rows);
      await insertMentions(trx, created);
      await insertAttachmentLinks(trx, created);
      const roots = await countThreadReplies(trx, created);
      for (const { index, of } of repeats) if (!refused.has(of)) results[index] = { message: results[of]!.message, created: false };
      await withQuotes(trx, [...new Set(results.flatMap((r) => (r ? [r.message] : [])))]);
      // Logged per conversation in seq order, the order the messages were numbered in; then
      // each thread root the batch replied to, as it is now.
      for (const message of created) entries.push({ conversationId: message.conversationId, event: plan.announce(message) });
      if (plan.announceRoot) {
        for (const root of roots) entries.push({ conversationId: root.conversationId, event: plan.announceRoot(root) });
      }
      now = Math.max(...created.map((m) => m.createdAt));
    } else {
      // Nothing new (and so no repeats of anything new): every result is a stored message, or refused.
      await withQuotes(
        trx,
        results.flatMap((r) => (r ? [r.message] : [])),
      );
    }
    const staged = await stageUpdates(trx, search, updates, located);
    entries.push(...staged.entries);
    now = Math.max(now, staged.now);
    if (notify && notify.notifications.length > 0) {
      const streams = await lockUserStreams(
        trx,
        notify.notifications.map((n) => n.userId),
      );
      for (const [id, pos] of streams) lastPos.set(id, pos);
      await insertNotificationRows(trx, notify.notifications, notify.outbox);
      entries.push(...notificationEntries(notify.notifications, notify.announce));
      now = Math.max(now, ...notify.notifications.map((n) => n.createdAt));
    }
    const events = await appendEvents(trx, lastPos, entries, now);
    const outcomes = batch.map(
      (_, i): AppendOutcome => results[i] ?? refused.get(i) ?? refused.get(repeats.find((r) => r.index === i)!.of)!,
    );
    return { results: outcomes, events, updates: staged.results };
  });
}

const idempotencyKey = (senderId: string, clientId: string) => `${senderId}\u0000${clientId}`;

/**
 * Step 1, idempotency: the batch's (sender, clientId) pairs already stored, by key. The pairs are
 * matched as row values, so each is one probe of the (sender_id, client_id) index: listing the
 * senders and the clientIds apart would probe every sender with every clientId of the batch
 * (50 senders × 300 clientIds is 15,000 probes, about 10× slower on a busy table).
 */
async function findStored(trx: Db, batch: readonly NewMessage[]): Promise<Map<string, MessageRecord>> {
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
function sortOut(batch: readonly NewMessage[], stored: Map<string, MessageRecord>) {
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

/**
 * Step 3: locks the batch's conversations and moves each one's last seq on by its new messages
 * in one statement (`reserveConversationSeqs`), then numbers the messages into `results` from
 * where each conversation's seq stood; answers the rows and each conversation's newest event
 * position, for the log.
 */
async function reserveSeqs(trx: Db, fresh: readonly Entry[], results: (AppendResult | undefined)[]) {
  const perConversation = byConversation(fresh);
  const reserved = await reserveConversationSeqs(trx, reservationsOf(perConversation));
  return numberMessages(perConversation, reserved, results);
}

function byConversation(fresh: readonly Entry[]): Map<string, Entry[]> {
  const perConversation = new Map<string, Entry[]>();
  for (const entry of fresh) {
    const list = perConversation.get(entry.message.conversationId) ?? [];
    list.push(entry);
    perConversation.set(entry.message.conversationId, list);
  }
  return perConversation;
}

const reservationsOf = (perConversation: Map<string, Entry[]>) =>
  [...perConversation].map(([id, entries]) => ({
    id,
    count: entries.length,
    lastCreatedAt: Math.max(...entries.map((e) => e.message.createdAt)),
  }));

/** Numbers each conversation's new messages up to its reserved last seq, into `results`. */
function numberMessages(
  perConversation: Map<string, Entry[]>,
  reserved: Map<string, { lastSeq: number; lastPos: number }>,
  results: (AppendResult | undefined)[],
) {
  const rows: Insertable<Database['messages']>[] = [];
  const lastPos = new Map<string, number>();
  for (const [conversationId, entries] of perConversation) {
    const row = reserved.get(conversationId);
    if (!row) throw new Error(`no conversation ${conversationId}`);
    lastPos.set(conversationId, row.lastPos);
    let seq = row.lastSeq - entries.length;
    for (const { index, message } of entries) {
      seq += 1;
      const record = newRecord(message, seq);
      results[index] = { message: record, created: true };
      rows.push(messageRow(record));
    }
  }
  return { rows, lastPos };
}

/** Moves the read marker of each message's `readBy` (the plan's rule) up to the newest such message. */
async function moveReadMarkers(trx: Db, created: readonly MessageRecord[], readBy: NonNullable<AppendPlan['readBy']>): Promise<void> {
  const newest = new Map<string, { conversationId: string; userId: string; seq: number }>();
  for (const message of created) {
    const userId = readBy(message);
    if (userId === undefined) continue;
    const key = `${message.conversationId}\u0000${userId}`;
    if ((newest.get(key)?.seq ?? 0) < message.seq) newest.set(key, { conversationId: message.conversationId, userId, seq: message.seq });
  }
  // One statement per 300 markers: each row takes its new seq only if that is ahead of its own.
  // (The rows are safe to update in any order: this transaction holds their conversations.)
  const markers = [...newest.values()];
  for (let i = 0; i < markers.length; i += 300) {
    const chunk = markers.slice(i, i + 300);
    const text = shapedText(trx, `read markers|${chunk.length}`, (mark) => {
      let n = 0;
      const next = () => mark(n++);
      const ahead = chunk
        .map(() => `when conversation_id = ${next()} and user_id = ${next()} and read_seq < ${next()} then ${next()}`)
        .join(' ');
      const keys = chunk.map(() => `(${next()}, ${next()})`).join(', ');
      return `update "members" set "read_seq" = case ${ahead} else read_seq end where (conversation_id, user_id) in (values ${keys})`;
    });
    const params = [
      ...chunk.flatMap((m) => [m.conversationId, m.userId, m.seq, m.seq]),
      ...chunk.flatMap((m) => [m.conversationId, m.userId]),
    ];
    await trx.executeQuery(CompiledQuery.raw(text, params));
  }
}

/** A new message as stored: nothing edited, reacted to or pinned yet. */
export function newRecord(message: NewMessage, seq: number): MessageRecord {
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

/** Step 4: the new rows, with what indexes their bodies for search (in this transaction). */
async function insertRows(trx: Db, search: SearchIndex, rows: readonly Insertable<Database['messages']>[]): Promise<void> {
  await insertBulk(
    trx,
    'messages',
    rows.map((row) => ({ ...row, ...search.indexColumns(row.body) })),
  );
}
