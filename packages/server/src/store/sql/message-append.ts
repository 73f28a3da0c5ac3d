import { CompiledQuery, type Insertable } from 'kysely';
import { extendedCopy } from '../../infra/extended-copy.js';
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
import { insertBulk, shapedText } from './hot-statements.js';
import { followRepliedThreads } from './threads.js';
import { insertNotificationRows, notificationEntries } from './notifications.js';
import { type Db, type UniqueViolationOf, messageRow } from './rows.js';
import type { SearchIndex } from './search.js';
import { type Entry, findStored, newRecord, readMarkersMoved, sortOut } from './append-steps.js';
import { EncryptedSince, advanceEpochs, encryptedSince, refusePlainIn } from './mls-groups.js';
import { checkSendingDevices } from './sending-devices.js';
import { type FreshAppender, appendInOneQuery, inOneQuery } from './one-query-append.js';

/**
 * The group-commit append: one transaction for a batch of new messages, changes of stored ones
 * and notifications, in named steps (idempotency lookup and sorting out, in `append-steps.ts`;
 * reserving seqs, inserting rows, thread counts). A batch of new messages without those steps
 * goes to the engine's one query where it has one (`one-query-append.ts`, `inOneQuery`).
 */

type Appended = { results: AppendOutcome[]; events: StoredEvent[]; updates: UpdateOutcome[] };

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
  // Conversations found encrypted under their lock, where plain messages of the batch are refused.
  const encrypted = new Set<string>();
  // An engine's one query takes what it can; the rest goes statement by statement.
  const attempt = async () =>
    (appendFresh && encrypted.size === 0 && inOneQuery(batch, updates, notify, appendFresh.checksSendingDevices === true)
      ? await appendInOneQuery(db, batch, plan, appendFresh)
      : undefined) ?? appendOnce(db, search, batch, plan, updates, notify, encrypted);
  for (let retried = false; ;) {
    try {
      return await attempt();
    } catch (error) {
      // A conversation encrypted since a plain send read it (issue 39): again, refusing those.
      // Each time adds a conversation, so this ends.
      if (error instanceof EncryptedSince) {
        for (const id of error.conversationIds) encrypted.add(id);
        continue;
      }
      // Another node stored one of these (sender, clientId) pairs after our idempotency read:
      // the unique index refused the duplicate, and a second pass finds the stored message.
      if (retried || uniqueViolation(error) === undefined) throw error;
      retried = true;
    }
  }
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
  encrypted: ReadonlySet<string>,
): Promise<Appended> {
  return db.transaction().execute(async (trx) => {
    const located = await locateUpdates(trx, updates);
    const lastPos =
      located.size > 0
        ? await lockConversations(trx, [...batch.map((m) => m.conversationId), ...located.values()])
        : new Map<string, number>();
    const stored = await findStored(trx, batch);
    const { results, fresh: sorted, repeats } = sortOut(batch, stored);
    const byUploads = await sortByUploads(trx, sorted);
    // MLS messages (issue 39): each stored only if its sending device is active now, as it is numbered…
    const devices = await checkSendingDevices(trx, byUploads.kept, byUploads.refused);
    // …and a commit only if made in its group's current epoch, which it moves on.
    const epochs = await advanceEpochs(trx, devices.kept, devices.refused);
    // Issue 39: plain messages into conversations found encrypted by an earlier attempt.
    const { kept: fresh, refused } = refusePlainIn(encrypted, epochs.kept, epochs.refused);
    const entries: LogEntry[] = [];
    let created: MessageRecord[] = [];
    let now = 0;
    if (fresh.length > 0) {
      const { rows, lastPos: reserved } = await reserveSeqs(trx, fresh, results);
      for (const [id, pos] of reserved) lastPos.set(id, pos);
      created = fresh.map((f) => results[f.index]!.message);
      if (plan.readBy) await moveReadMarkers(trx, created, plan.readBy);
      await insertRows(trx, search, rows);
      await insertMentions(trx, created);
      await insertAttachmentLinks(trx, created);
      const roots = await countThreadReplies(trx, created);
      // Thread read state (issue 35 item 2): repliers, the root's author and those mentioned follow.
      if (roots.length > 0) await followRepliedThreads(trx, created, roots);
      for (const { index, of } of repeats) if (!refused.has(of)) results[index] = { message: results[of]!.message, created: false };
      await withQuotes(trx, [...new Set(results.flatMap((r) => (r ? [r.message] : [])))]);
      // Logged per conversation in seq order, the order the messages were numbered in; then
      // each thread root the batch replied to, as it is now.
      for (const message of created) entries.push(logEntryOf(message, plan));
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
    await keepLogPositions(trx, created);
    const outcomes = batch.map(
      (_, i): AppendOutcome => results[i] ?? refused.get(i) ?? refused.get(repeats.find((r) => r.index === i)!.of)!,
    );
    return { results: outcomes, events, updates: staged.results };
  });
}

/**
 * Step 3: locks the batch's conversations and moves each one's last seq on by its new messages
 * in one statement (`reserveConversationSeqs`; a plain message meeting a conversation encrypted
 * since its send throws `EncryptedSince`, rolling back), then numbers the messages into `results` from
 * where each conversation's seq stood; answers the rows and each conversation's newest event
 * position, for the log.
 */
async function reserveSeqs(trx: Db, fresh: readonly Entry[], results: (AppendResult | undefined)[]) {
  const perConversation = new Map<string, Entry[]>();
  for (const entry of fresh) {
    const list = perConversation.get(entry.message.conversationId) ?? [];
    list.push(entry);
    perConversation.set(entry.message.conversationId, list);
  }
  const reserved = await reserveConversationSeqs(
    trx,
    [...perConversation].map(([id, entries]) => ({
      id,
      count: entries.length,
      lastCreatedAt: Math.max(...entries.map((e) => e.message.createdAt)),
    })),
  );
  const since = encryptedSince(perConversation, reserved);
  if (since.length > 0) throw new EncryptedSince(since);
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

/**
 * A new message's `message.created` entry. An MLS message carries its own position (issue 39):
 * members compare it with a revocation's, which is the log's head when that committed, so
 * "ordered before the revocation" needs no clock (docs/encryption.md, "A revoked device's past").
 */
function logEntryOf(message: MessageRecord, plan: AppendPlan): LogEntry {
  const entry: LogEntry = { conversationId: message.conversationId, event: plan.announce(message) };
  if (!message.mls) return entry;
  return {
    ...entry,
    positioned: (pos) => {
      message.logPos = pos;
      return plan.announce(message);
    },
  };
}

/**
 * Stores the positions `logEntryOf` gave MLS messages: after the log's numbering, in the same
 * transaction, while it holds the head: one statement for the batch (`case id when … then … end`).
 */
async function keepLogPositions(trx: Db, created: readonly MessageRecord[]): Promise<void> {
  const placed = created.filter((m) => m.logPos !== undefined);
  if (placed.length === 0) return;
  const text = shapedText(trx, `log_pos|${placed.length}`, (mark) => {
    const cases = placed.map((_, i) => `when ${mark(2 * i)} then cast(${mark(2 * i + 1)} as bigint)`).join(' ');
    const list = placed.map((_, i) => mark(2 * placed.length + i)).join(', ');
    return `update "messages" set "log_pos" = case id ${cases} end where "id" in (${list})`;
  });
  await trx.executeQuery(CompiledQuery.raw(text, [...placed.flatMap((m) => [m.id, m.logPos!]), ...placed.map((m) => m.id)]));
}

/** Moves the read marker of each message's `readBy` (the plan's rule) up to the newest such message. */
async function moveReadMarkers(trx: Db, created: readonly MessageRecord[], readBy: NonNullable<AppendPlan['readBy']>): Promise<void> {
  // One statement per 300 markers: each row takes its new seq only if that is ahead of its own.
  // (The rows are safe to update in any order: this transaction holds their conversations.)
  const markers = readMarkersMoved(created, readBy);
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

/** Step 4: the new rows, with what indexes their bodies for search (in this transaction). */
async function insertRows(trx: Db, search: SearchIndex, rows: readonly Insertable<Database['messages']>[]): Promise<void> {
  await insertBulk(
    trx,
    'messages',
    rows.map((row) => extendedCopy(row, search.indexColumns(row.body))),
  );
}
