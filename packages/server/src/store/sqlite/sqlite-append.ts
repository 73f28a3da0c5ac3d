import type SQLite from 'better-sqlite3';
import type { AppendPlan, MessageRecord, StoredEvent } from '../store.js';
import { type LogEntry, eventRow, positionEvents } from '../event-log.js';
import type { FreshAppender, FreshMessage } from '../sql/one-query-append.js';
import { encryptedSince } from '../sql/mls-groups.js';
import { readMarkersMoved } from '../sql/append-steps.js';
import { messageRow } from '../sql/rows.js';
import type { SearchIndex } from '../sql/search.js';
import type { WalSync } from './wal-sync.js';

/**
 * SQLite's one-query append (`FreshAppender`): the group commit's batch of new plain messages
 * stored, numbered, logged and committed by one synchronous run of better-sqlite3 statements,
 * then the log flushed (`WalSync`) before it answers.
 *
 * The statement-by-statement append (`sql/message-append.ts`) runs the same statements through
 * Kysely, each one an awaited query: the executor, the connection provider, a promise and a turn
 * of the microtask queue per statement, ten statements a batch. With SQLite in the process that
 * wrapping cost more than the statements themselves at one sender (issue 41 item 2). Here the
 * batch is one function call while the caller holds Kysely's connection (`appendInOneQuery`), so
 * nothing else runs on the connection meanwhile; every statement is prepared once.
 *
 * What it takes is what `inOneQuery` lets through: new messages with no reply, thread root or
 * attachment, and no MLS message (their steps read under the lock). A plain message meeting a
 * conversation encrypted since its send read the flag answers undefined, having written nothing:
 * the statement-by-statement append then refuses it (issue 39).
 */
export function sqliteFreshAppender(connection: SQLite.Database, search: SearchIndex, wal: WalSync | undefined): FreshAppender {
  const statements = new Map<string, SQLite.Statement>();
  const statement = (text: string) => {
    let prepared = statements.get(text);
    if (prepared === undefined) {
      prepared = connection.prepare(text);
      statements.set(text, prepared);
    }
    return prepared;
  };
  return async (_conn, fresh, plan, lookedUp) => {
    const answer = appendNow(statement, search, fresh, plan, lookedUp);
    if (answer === undefined || answer === 'stored') return answer;
    // Committed: reported only once the log holding it is on disk, as every SQLite write is (durable-driver.ts).
    await wal?.sync();
    return answer;
  };
}

type Statement = (text: string) => SQLite.Statement;

/**
 * The batch's transaction, synchronously. With `lookedUp` the caller has opened it (and left the
 * stored pairs out); without, it opens its own and first checks that no pair is stored. It
 * commits what it stored; what it opened and does not commit, it rolls back. A failing statement
 * throws with the transaction open: the caller rolls it back.
 */
function appendNow(
  statement: Statement,
  search: SearchIndex,
  fresh: readonly FreshMessage[],
  plan: AppendPlan,
  lookedUp: boolean,
): StoredEvent[] | 'stored' | undefined {
  if (!lookedUp) {
    statement('begin immediate').run();
    const probe = statement('select 1 from "messages" where "sender_id" = ? and "client_id" = ?').pluck();
    if (fresh.some(({ record }) => probe.get(record.senderId, record.clientId) !== undefined)) {
      statement('rollback').run();
      return 'stored';
    }
  }
  const perConversation = new Map<string, FreshMessage[]>();
  for (const entry of fresh) {
    const list = perConversation.get(entry.record.conversationId) ?? [];
    list.push(entry);
    perConversation.set(entry.record.conversationId, list);
  }
  const reserved = reserveSeqs(statement, perConversation);
  const encrypted = encryptedSince(
    new Map([...perConversation].map(([id, list]) => [id, list.map(({ record }) => ({ message: record }))])),
    reserved,
  );
  if (encrypted.length > 0) {
    if (!lookedUp) statement('rollback').run();
    return undefined;
  }
  const lastPos = new Map<string, number>();
  for (const [id, list] of perConversation) {
    const { lastSeq, lastPos: pos } = reserved.get(id)!;
    lastPos.set(id, pos);
    let seq = lastSeq - list.length;
    for (const { record } of list) record.seq = ++seq;
  }
  const created = fresh.map((f) => f.record);
  if (plan.readBy) moveReadMarkers(statement, created, plan.readBy);
  insertMessages(statement, search, created);
  lookForDrafts(statement, fresh);
  const entries: LogEntry[] = created.map((record) => ({ conversationId: record.conversationId, event: plan.announce(record) }));
  const head = statement('update "stream_head" set "pos" = "pos" + ? where "id" = 1 returning "pos", "epoch"').get(entries.length) as
    { pos: number; epoch: string } | undefined;
  if (head === undefined) throw new Error('the stream_head row is missing');
  const now = Math.max(...created.map((m) => m.createdAt));
  const events = positionEvents(entries, lastPos, { pos: Number(head.pos), epoch: head.epoch }, now);
  const insertEvent = statement(
    'insert into "events" ("pos", "conversation_id", "subject_user_id", "created_at", "payload", "message_id") values (?, ?, ?, ?, ?, ?)',
  );
  for (const event of events) {
    const row = eventRow(event);
    insertEvent.run(row.pos, row.conversation_id, row.subject_user_id, row.created_at, row.payload, row.message_id);
  }
  const moveOn = statement('update "conversations" set "last_pos" = ? where "id" = ?');
  for (const id of perConversation.keys()) moveOn.run(lastPos.get(id), id);
  statement('commit').run();
  return events;
}

/**
 * Moves each conversation's last seq on by its new messages (and its activity time up to the
 * newest), answering its last seq after the move, its newest event position and whether it is
 * encrypted now (SQLite's transaction holds the database's write lock: no row locks to order).
 */
function reserveSeqs(statement: Statement, perConversation: ReadonlyMap<string, readonly FreshMessage[]>) {
  const reserve = statement(
    'update "conversations" set "last_seq" = "last_seq" + cast(? as bigint), ' +
      '"last_activity_at" = case when "last_activity_at" > ? then "last_activity_at" else cast(? as bigint) end ' +
      'where "id" = ? returning "last_seq", "last_pos", "encrypted"',
  );
  const reserved = new Map<string, { lastSeq: number; lastPos: number; encrypted: boolean }>();
  for (const [id, list] of perConversation) {
    const newest = Math.max(...list.map(({ record }) => record.createdAt));
    const row = reserve.get(list.length, newest, newest, id) as { last_seq: number; last_pos: number; encrypted: number } | undefined;
    if (row === undefined) throw new Error(`no conversation ${id}`);
    reserved.set(id, { lastSeq: Number(row.last_seq), lastPos: Number(row.last_pos), encrypted: Number(row.encrypted) === 1 });
  }
  return reserved;
}

/** The plan's reader of each message has read up to it: the newest of the batch counts, and markers never move back. */
function moveReadMarkers(statement: Statement, created: readonly MessageRecord[], readBy: NonNullable<AppendPlan['readBy']>): void {
  const move = statement('update "members" set "read_seq" = ? where "conversation_id" = ? and "user_id" = ? and "read_seq" < ?');
  for (const { conversationId, userId, seq } of readMarkersMoved(created, readBy)) move.run(seq, conversationId, userId, seq);
}

/**
 * Whether each sender has a draft of the conversation to clear once the batch is sent (saved no
 * later than the send), probed here in the batch's transaction with a warm statement, one probe of
 * the drafts' primary key a pair: nearly every send finds none, and the clearing after the commit
 * (`DraftService.clearSent`) then has nothing to look up. That lookup, a Kysely query of its own
 * after every batch, was a tenth of one sender's SQL a send, with Kysely's wrapping besides
 * (issue 41: `bench/README.md`). A draft saved by a transaction after this one is newer than what
 * was sent, and is left alone.
 */
function lookForDrafts(statement: Statement, fresh: readonly FreshMessage[]): void {
  const probe = statement('select "updated_at" from "drafts" where "user_id" = ? and "conversation_id" = ? and "body" <> \'\'').pluck();
  for (const entry of fresh) {
    const { senderId, conversationId, createdAt } = entry.record;
    const updatedAt = probe.get(senderId, conversationId) as number | bigint | undefined;
    entry.draftToClear = updatedAt !== undefined && Number(updatedAt) <= createdAt;
  }
}

/**
 * The rows, with what indexes their bodies for search, and their mentions. A column left
 * undefined takes its default, so the insert names the row's defined columns; its text is made
 * once per set of them (`insertText`), not per message: building it, and the arrays around it, was
 * the largest allocation of one sender's send (~5 KB, bench/README.md).
 */
function insertMessages(statement: Statement, search: SearchIndex, created: readonly MessageRecord[]): void {
  for (const record of created) {
    const names: string[] = [];
    const values: unknown[] = [];
    // The row's columns, then the search index's (no name in both), read from each without
    // merging them first: that merged copy outlived itself on Node 20 (infra/extended-copy.ts).
    definedColumns(messageRow(record), names, values);
    definedColumns(search.indexColumns(record.body), names, values);
    statement(insertText(names)).run(values);
  }
  const mention = statement('insert into "message_mentions" ("message_id", "user_id", "conversation_id", "seq") values (?, ?, ?, ?)');
  for (const record of created) for (const userId of record.mentions) mention.run(record.id, userId, record.conversationId, record.seq);
}

/** Appends the columns of `row` that are defined, and their values. */
function definedColumns(row: Record<string, unknown>, names: string[], values: unknown[]): void {
  for (const name in row) {
    const value = row[name];
    if (value === undefined) continue;
    names.push(name);
    values.push(value);
  }
}

const insertTexts = new Map<string, string>();

/** `insert into "messages" (…) values (?, …)` for these columns, made once per set of them. */
function insertText(names: readonly string[]): string {
  const key = names.join();
  let text = insertTexts.get(key);
  if (text === undefined) {
    text = `insert into "messages" (${names.map((name) => `"${name}"`).join(', ')}) values (${names.map(() => '?').join(', ')})`;
    insertTexts.set(key, text);
  }
  return text;
}
