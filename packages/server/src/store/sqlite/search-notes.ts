import { type Migration, sql } from 'kysely';
import type { Db } from '../sql/rows.js';
import { searchTokenThread } from '../search-token-thread.js';
import { DERIVED } from './durable-driver.js';

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

/**
 * The triggers from migration 0049 on (decision 0046): a message is stored with `search_tokens`
 * null when its body has words to index and '' when it has none, and the tokens are made by
 * `indexPending`, on a thread of their own. So the triggers note a message whose tokens are still
 * to be made (null) as well as one stored with its tokens (an older path, the re-index job).
 */
const tokensLaterTriggers = [
  sql`create trigger messages_search_insert after insert on messages
    when new.search_tokens is null or new.search_tokens <> '' begin
    insert or ignore into search_pending(message_rowid) values (new.rowid);
  end`,
  sql`create trigger messages_search_update after update of search_tokens on messages
    when not exists (select 1 from search_pending where message_rowid = old.rowid) begin
    delete from messages_search where rowid = old.rowid;
    insert or ignore into search_pending(message_rowid) select new.rowid where new.search_tokens is null or new.search_tokens <> '';
  end`,
];

/**
 * Migration 0049 (issue 41, decision 0046): a send no longer makes its message's search tokens.
 * Language detection, stemming and segmentation cost 30–160 µs of the event loop a message inside
 * the send's write transaction (bench/README.md); `indexPending` now makes them on the
 * search-token thread just before it indexes the message. Messages already stored keep their
 * tokens; nothing noted changes.
 */
export const searchTokensLater: Migration = {
  async up(db) {
    for (const name of ['messages_search_insert', 'messages_search_update']) await sql`drop trigger ${sql.id(name)}`.execute(db);
    for (const statement of tokensLaterTriggers) await statement.execute(db);
  },
};

/** How many noted messages `indexPending` indexes per transaction: short enough not to hold sends back. */
export const PENDING_BATCH = 2000;
/** Rows one statement reads, indexes or drops by rowid (at most two parameters each, far below SQLite's 32,766). */
const ROWS_PER_STATEMENT = 500;

/** Whether a message is noted for the token index and not yet in it. */
export async function hasPending(db: Db): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select exists (select 1 from search_pending) as n`.execute(db);
  return Number(rows[0]!.n) === 1;
}

/**
 * Indexes up to `limit` noted messages, oldest first (only those noted at rowids up to `through`
 * when given), and drops their notes, in one transaction: one FTS5 segment for all of them.
 * A message stored without its tokens (every send since migration 0049) gets them made from its
 * body, read before the transaction, on the search-token thread; they go into the index only, not
 * back into the row (the index is what answers, and a row without them is smaller). If the body
 * changed meanwhile (an edit), the message stays noted for the next call. A message stored with
 * its tokens (the re-index job, an older version) is indexed by them; one with none is dropped.
 * Answers how many notes it looked at: `limit` says more may be waiting. `tokenize` is the
 * search-token thread's (a test wraps it to act while the tokens are being made). Its writes are
 * derived data (`DERIVED`): its commit waits for no flush, and a step lost in a power cut is
 * done again from the notes.
 */
export async function indexPending(
  db: Db,
  limit = PENDING_BATCH,
  through?: number,
  tokenize: (bodies: string[]) => Promise<string[]> = (bodies) => searchTokenThread.tokens(bodies),
): Promise<number> {
  const { rows: noted } = await sql<{ rowid: number; body: string | null }>`
    select p.message_rowid as rowid, case when m.search_tokens is null then m.body end as body
    from search_pending p cross join messages m on m.rowid = p.message_rowid
    ${through === undefined ? sql`` : sql`where p.message_rowid <= ${through}`}
    order by p.message_rowid limit ${limit}`.execute(db);
  if (noted.length === 0) return 0;
  const toMake = noted.filter((row): row is { rowid: number; body: string } => row.body !== null);
  const tokens = await tokenize(toMake.map((row) => row.body));
  const upto = noted.at(-1)!.rowid;
  return db.transaction().execute(async (trx) => {
    // The bodies still as read, of messages still noted: the transaction keeps them so.
    const current = new Map<number, string>();
    for (const rows of chunks(toMake, ROWS_PER_STATEMENT)) {
      const { rows: found } = await sql<{ rowid: number; body: string }>`
        select m.rowid, m.body from messages m cross join search_pending p on p.message_rowid = m.rowid
        where m.rowid in (${sql.join(rows.map((row) => row.rowid))}) and m.search_tokens is null`.execute(trx);
      for (const row of found) current.set(row.rowid, row.body);
    }
    const unchanged = toMake.flatMap((row, i) => (current.get(row.rowid) === row.body ? [{ rowid: row.rowid, tokens: tokens[i]! }] : []));
    for (const rows of chunks(
      unchanged.filter((row) => row.tokens !== ''),
      ROWS_PER_STATEMENT,
    )) {
      await sql`${sql.raw(DERIVED)} insert into messages_search(rowid, tokens, scope)
        select m.rowid, t.column2, hex(m.conversation_id)
        from (values ${sql.join(rows.map((row) => sql`(${row.rowid}, ${row.tokens})`))}) as t
        cross join messages m on m.rowid = t.column1`.execute(trx);
    }
    await sql`${sql.raw(DERIVED)} insert into messages_search(rowid, tokens, scope)
      select m.rowid, m.search_tokens, hex(m.conversation_id)
      from search_pending p cross join messages m on m.rowid = p.message_rowid
      where p.message_rowid <= ${upto} and m.search_tokens <> ''`.execute(trx);
    // Dropped: the notes of messages indexed by their stored tokens (or with none), and of those whose tokens were just made.
    await sql`${sql.raw(DERIVED)} delete from search_pending where message_rowid <= ${upto} and exists (
      select 1 from messages m where m.rowid = search_pending.message_rowid and m.search_tokens is not null)`.execute(trx);
    for (const rows of chunks(unchanged, ROWS_PER_STATEMENT))
      await sql`${sql.raw(DERIVED)} delete from search_pending where message_rowid in (${sql.join(rows.map((row) => row.rowid))})`.execute(
        trx,
      );
    return noted.length;
  });
}

/** `items` in runs of at most `size`. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let from = 0; from < items.length; from += size) runs.push(items.slice(from, from + size));
  return runs;
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
