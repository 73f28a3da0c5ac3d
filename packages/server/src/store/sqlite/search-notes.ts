import { type Migration, sql } from 'kysely';
import type { Db } from '../sql/rows.js';

/** The token index's triggers from 0046 on: an insert is noted in `search_pending`, indexed later by `indexPending`. */
const pendingTriggers = [
  sql`create trigger messages_search_insert after insert on messages when new.search_tokens <> '' begin
    insert or ignore into search_pending(message_rowid) values (new.rowid);
  end`,
  sql`create trigger messages_search_delete after delete on messages begin
    delete from messages_search where rowid = old.rowid;
    delete from search_pending where message_rowid = old.rowid;
  end`,
  sql`create trigger messages_search_update after update of search_tokens on messages
    when not exists (select 1 from search_pending where message_rowid = old.rowid) begin
    delete from messages_search where rowid = old.rowid;
    insert or ignore into search_pending(message_rowid) select new.rowid where new.search_tokens <> '';
  end`,
];

/**
 * Migration 0046 (issue 41): a send no longer writes the token index in its own commit. FTS5
 * writes a new segment per transaction (its data, term and size pages), so a batch of one paid for
 * a whole segment: measured at 10–12 % of a send's server CPU. The insert trigger now only notes the
 * message in `search_pending` (one row of a tiny table); `indexPending` indexes what is noted,
 * many messages to a segment, from a timer (store/sqlite/search-indexer.ts) and before every
 * search, so a search still finds every message whose send was answered. The note is in the
 * send's transaction: a crash loses no message from the index, the next start indexes it.
 * An edit of a noted message leaves the index alone (the note indexes its tokens as they are
 * then); a delete drops the note. Nothing is pending when this runs: the old trigger indexed
 * every message.
 */
export const searchAfterCommit: Migration = {
  async up(db) {
    await sql`create table search_pending (message_rowid integer primary key)`.execute(db);
    for (const name of ['messages_search_insert', 'messages_search_delete', 'messages_search_update'])
      await sql`drop trigger ${sql.id(name)}`.execute(db);
    for (const statement of pendingTriggers) await statement.execute(db);
  },
};

/** How many noted messages `indexPending` indexes per transaction: short enough not to hold sends back. */
export const PENDING_BATCH = 2000;

/** Whether a message is noted for the token index and not yet in it. */
export async function hasPending(db: Db): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select exists (select 1 from search_pending) as n`.execute(db);
  return Number(rows[0]!.n) === 1;
}

/**
 * Indexes up to `limit` noted messages, oldest first (only those noted at rowids up to `through`
 * when given), with their tokens as they are now, and drops their notes, in one transaction: one
 * FTS5 segment for all of them. Answers how many notes it took (a message whose tokens became
 * empty meanwhile is dropped, not indexed).
 */
export async function indexPending(db: Db, limit = PENDING_BATCH, through?: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ upto: number | null; n: number }>`
      select max(message_rowid) as upto, count(*) as n
      from (select message_rowid from search_pending
        ${through === undefined ? sql`` : sql`where message_rowid <= ${through}`}
        order by message_rowid limit ${limit})`.execute(trx);
    const { upto, n } = rows[0]!;
    if (upto === null) return 0;
    await sql`insert into messages_search(rowid, tokens, scope)
      select m.rowid, m.search_tokens, hex(m.conversation_id)
      from search_pending p cross join messages m on m.rowid = p.message_rowid
      where p.message_rowid <= ${upto} and m.search_tokens <> ''`.execute(trx);
    await sql`delete from search_pending where message_rowid <= ${upto}`.execute(trx);
    return Number(n);
  });
}

/**
 * Indexes every message noted so far: a search's first step, so that it finds every message whose
 * send or edit was answered before it began. Notes made meanwhile are left to the indexer: under a
 * flood of sends a search still ends.
 */
export async function indexNotedSoFar(db: Db): Promise<void> {
  const { rows } = await sql<{ last: number | null }>`select max(message_rowid) as last from search_pending`.execute(db);
  const last = rows[0]?.last ?? null;
  if (last === null) return;
  while ((await indexPending(db, PENDING_BATCH, last)) === PENDING_BATCH);
}
