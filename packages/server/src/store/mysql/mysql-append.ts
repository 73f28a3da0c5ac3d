import { CompiledQuery } from 'kysely';
import type { PositionedEvent } from '@confab/protocol';
import type { StoredEvent } from '../store.js';
import type { FreshAppender } from '../sql/one-query-append.js';
import { eventPieces, joinPieces } from '../sql/event-pieces.js';
import { insertQuery } from '../sql/hot-statements.js';
import { type Db, messageRow } from '../sql/rows.js';
import { isRetryableMysqlError } from './mysql-errors.js';
import { searchVector } from './mysql-search.js';

/**
 * MySQL/MariaDB: a batch of plain new messages stored, numbered, logged and committed in two
 * round trips, where the statement-by-statement append takes eleven (decision 0026).
 *
 * 1. `start transaction`, the check that no (sender, clientId) pair of the batch is stored yet (no
 *    lock), and the locking read of the batch's conversations in id order (`… order by id for
 *    update`, the one lock order across nodes): each one's seq, newest position and whether it is
 *    encrypted, read under its row lock.
 * 2. Everything else in one multi-statement query, built by the node from what the locking read
 *    answered: the seqs moved on, the messages (numbered here, under the locks), their mentions,
 *    the read markers, then the head (last, after the messages' foreign-key checks have taken
 *    their shared locks on the users' rows, as every transaction orders them), the events, the
 *    conversations' newest positions, the head as it now stands, and COMMIT. The positions and the
 *    epoch only the head knows are held in session variables and written into the events by the
 *    statements themselves (each event's JSON joined from pieces, as PostgreSQL's function does);
 *    the node learns them from the answer and joins the same pieces.
 *
 * Not one round trip, as PostgreSQL's function: a query of several statements cannot branch, and
 * a stored procedure would be a second text of the append to keep in step with the first, per
 * engine. MySQL's statements run in the order given and stop at the first error, so a failure
 * anywhere leaves COMMIT unsent and the transaction is rolled back.
 *
 * It answers undefined, having written nothing, when the statement-by-statement path must take the
 * batch: an event that cannot be cut into pieces, a plain message meeting a conversation encrypted
 * since its send read the flag (that path refuses the message: issue 39), or a deadlock or a lock
 * wait timeout (that path runs its transaction again: `RetryingKysely`).
 */
export const appendFreshInTwoTrips: FreshAppender = async (conn, fresh, plan, lookedUp) => {
  // Each body travels twice in the second query (its row, its event), which must fit in one packet.
  if (fresh.reduce((n, f) => n + f.record.body.length, 0) > MAX_BODY_CHARS) return undefined;
  const pieces: string[][] = [];
  for (const { record } of fresh) {
    const cut = eventPieces(plan, record);
    // Five pieces: an MLS message's six (its logPos) are not joined here; those never come (`inOneQuery`).
    if (cut === undefined || cut.length !== 5) return undefined;
    pieces.push(cut);
  }
  const ids = [...new Set(fresh.map((f) => f.record.conversationId))].sort();
  let locked: LockedConversation[] | 'stored';
  try {
    locked = await lockConversations(conn, fresh, ids, lookedUp);
  } catch (error) {
    return gaveUp(conn, error);
  }
  if (locked === 'stored') {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
    return 'stored';
  }
  const byId = new Map(locked.map((c) => [c.id, c]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new Error(`no conversation ${missing.join(', ')}`);
  if (fresh.some(({ record }) => record.kind !== 'encrypted' && byId.get(record.conversationId)!.encrypted)) {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
    return undefined;
  }

  // Numbered as the statement path numbers them: in batch order within each conversation.
  const seqs = new Map(locked.map((c) => [c.id, c.lastSeq]));
  for (const { record } of fresh) {
    const seq = seqs.get(record.conversationId)! + 1;
    seqs.set(record.conversationId, seq);
    record.seq = seq;
  }
  const now = Math.max(...fresh.map((f) => f.record.createdAt));
  const statements = [
    moveSeqs(fresh, seqs),
    ...insertMessages(conn, fresh),
    ...insertMentions(conn, fresh),
    ...moveReadMarkers(fresh, plan.readBy),
    ...logEvents(fresh, pieces, byId, now),
  ];
  let head: { base: number; epoch: string };
  try {
    const results = await multi(conn, [...statements, CompiledQuery.raw('commit')]);
    const answer = results.at(-2) as { base: number | string; epoch: string }[];
    head = { base: Number(answer[0]!.base), epoch: String(answer[0]!.epoch) };
  } catch (error) {
    return gaveUp(conn, error);
  }
  const prevOf = new Map(locked.map((c) => [c.id, c.lastPos]));
  return fresh.map(({ record }, i): StoredEvent => {
    const pos = head.base + i + 1;
    const prev = prevOf.get(record.conversationId)!;
    prevOf.set(record.conversationId, pos);
    const frame = joinPieces(pieces[i]!, record.seq, pos, prev, head.epoch);
    return {
      pos,
      conversationId: record.conversationId,
      subjectUserId: null,
      createdAt: now,
      event: JSON.parse(frame) as PositionedEvent,
      frame,
    };
  });
};

/**
 * Beyond this many characters of bodies a batch goes statement by statement: the query must fit in
 * `max_allowed_packet` (16 MiB by default on MariaDB 10.11 and MySQL 8.0; a character is up to 4 bytes).
 */
const MAX_BODY_CHARS = 1_000_000;

interface LockedConversation {
  id: string;
  lastSeq: number;
  lastPos: number;
  encrypted: boolean;
}

type Fresh = Parameters<FreshAppender>[1];

/** Round trip 1: the transaction opened (unless the caller has), the resend check, the conversations locked and read. */
async function lockConversations(
  conn: Db,
  fresh: Fresh,
  ids: readonly string[],
  lookedUp: boolean,
): Promise<LockedConversation[] | 'stored'> {
  const lock = CompiledQuery.raw(
    `select id, last_seq, last_pos, encrypted from conversations where id in (${marks(ids.length)}) order by id for update`,
    [...ids],
  );
  let rows: { id: string; last_seq: number; last_pos: number; encrypted: number }[];
  if (lookedUp) rows = (await conn.executeQuery<(typeof rows)[number]>(lock)).rows;
  else {
    const pairs = fresh.map(({ record }) => [record.senderId, record.clientId]);
    const stored = CompiledQuery.raw(
      `select 1 as stored from messages where (sender_id, client_id) in (${pairs.map(() => '(?, ?)').join(', ')}) limit 1`,
      pairs.flat(),
    );
    const [, found, read] = await multi(conn, [CompiledQuery.raw('start transaction'), stored, lock]);
    if ((found as unknown[]).length > 0) return 'stored';
    rows = read as typeof rows;
  }
  return rows.map((r) => ({ id: r.id, lastSeq: Number(r.last_seq), lastPos: Number(r.last_pos), encrypted: Number(r.encrypted) === 1 }));
}

/** Each conversation's seq moved on to its last new message, its activity time up to its newest. */
function moveSeqs(fresh: Fresh, seqs: ReadonlyMap<string, number>): CompiledQuery {
  const newest = new Map<string, number>();
  for (const { record } of fresh) newest.set(record.conversationId, Math.max(newest.get(record.conversationId) ?? 0, record.createdAt));
  const ids = [...seqs.keys()];
  return CompiledQuery.raw(
    `update conversations set last_seq = case id ${ids.map(() => 'when ? then ?').join(' ')} end, ` +
      `last_activity_at = case id ${ids.map(() => 'when ? then greatest(last_activity_at, ?)').join(' ')} end where id in (${marks(ids.length)})`,
    [...ids.flatMap((id) => [id, seqs.get(id)]), ...ids.flatMap((id) => [id, newest.get(id)]), ...ids],
  );
}

function insertMessages(conn: Db, fresh: Fresh): CompiledQuery[] {
  const rows = fresh.map(({ record }) => ({ ...messageRow(record), search_vector: searchVector(record.body) }));
  return chunks(rows, 500).map((chunk) => insertQuery(conn, 'messages', chunk)!);
}

function insertMentions(conn: Db, fresh: Fresh): CompiledQuery[] {
  const rows = fresh.flatMap(({ record: m }) =>
    m.mentions.map((userId) => ({ message_id: m.id, user_id: userId, conversation_id: m.conversationId, seq: m.seq })),
  );
  return rows.length === 0 ? [] : chunks(rows, 500).map((chunk) => insertQuery(conn, 'message_mentions', chunk)!);
}

/** Each reader's marker moved up to the newest of the batch's messages they read (the plan's rule), never back. */
function moveReadMarkers(fresh: Fresh, readBy: Parameters<FreshAppender>[2]['readBy']): CompiledQuery[] {
  if (readBy === undefined) return [];
  const newest = new Map<string, { conversationId: string; userId: string; seq: number }>();
  for (const { record } of fresh) {
    const userId = readBy(record);
    if (userId === undefined) continue;
    const key = `${record.conversationId}\u0000${userId}`;
    if ((newest.get(key)?.seq ?? 0) < record.seq) newest.set(key, { conversationId: record.conversationId, userId, seq: record.seq });
  }
  return chunks([...newest.values()], 300).map((chunk) =>
    CompiledQuery.raw(
      `update members set read_seq = case ${chunk.map(() => 'when conversation_id = ? and user_id = ? and read_seq < ? then ?').join(' ')} ` +
        `else read_seq end where (conversation_id, user_id) in (${chunk.map(() => '(?, ?)').join(', ')})`,
      [...chunk.flatMap((m) => [m.conversationId, m.userId, m.seq, m.seq]), ...chunk.flatMap((m) => [m.conversationId, m.userId])],
    ),
  );
}

/**
 * The head moved on by the batch (its row lock, last), the base position and the epoch kept in
 * session variables, the events written with them, the conversations' newest positions, then the
 * base and epoch answered. Event i (from 0) is at base + i + 1; a conversation's first event chains
 * to the newest position the locking read answered, the next ones to the one before.
 */
function logEvents(
  fresh: Fresh,
  pieces: readonly string[][],
  locked: ReadonlyMap<string, LockedConversation>,
  now: number,
): CompiledQuery[] {
  const n = fresh.length;
  const statements = [
    CompiledQuery.raw('update stream_head set pos = pos + ? where id = 1', [n]),
    CompiledQuery.raw('select pos - ?, epoch into @confab_base, @confab_epoch from stream_head where id = 1', [n]),
  ];
  const before = new Map<string, number | undefined>();
  const newest = new Map<string, number>();
  const values: string[] = [];
  const params: unknown[] = [];
  fresh.forEach(({ record }, i) => {
    const prior = before.has(record.conversationId) ? before.get(record.conversationId) : undefined;
    const prev = prior === undefined ? `${locked.get(record.conversationId)!.lastPos}` : `@confab_base + ${prior + 1}`;
    before.set(record.conversationId, i);
    newest.set(record.conversationId, i);
    const pos = `@confab_base + ${i + 1}`;
    const [f0, f1, f2, f3, f4] = pieces[i]!;
    values.push(`(${pos}, ?, null, ?, concat(?, ${pos}, ?, ${prev}, ?, @confab_epoch, '.', ${pos}, ?), ?)`);
    params.push(record.conversationId, now, `${f0}${record.seq}${f1}`, f2, f3, f4, record.id);
  });
  statements.push(
    CompiledQuery.raw(
      `insert into events (pos, conversation_id, subject_user_id, created_at, payload, message_id) values ${values.join(', ')}`,
      params,
    ),
  );
  const ids = [...newest.keys()];
  statements.push(
    CompiledQuery.raw(
      `update conversations set last_pos = case id ${ids.map((id) => `when ? then @confab_base + ${newest.get(id)! + 1}`).join(' ')} end ` +
        `where id in (${marks(ids.length)})`,
      [...ids, ...ids],
    ),
    CompiledQuery.raw('select @confab_base as base, @confab_epoch as epoch'),
  );
  return statements;
}

/**
 * The statements sent as one query (the pool allows several: `multipleStatements`), each one's
 * values bound by mysql2 as it binds every query's; answers each statement's result in order.
 */
async function multi(conn: Db, statements: readonly CompiledQuery[]): Promise<unknown[]> {
  const text = statements.map((s) => s.sql).join(';\n');
  const { rows } = await conn.executeQuery(
    CompiledQuery.raw(
      text,
      statements.flatMap((s) => [...s.parameters]),
    ),
  );
  return rows as unknown[];
}

/** A deadlock or a lock wait timeout: rolled back, and the batch left to the statement path, which retries; anything else thrown. */
async function gaveUp(conn: Db, error: unknown): Promise<undefined> {
  if (!isRetryableMysqlError(error)) throw error;
  await conn.executeQuery(CompiledQuery.raw('rollback'));
  return undefined;
}

const marks = (n: number) => new Array<string>(n).fill('?').join(', ');

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
