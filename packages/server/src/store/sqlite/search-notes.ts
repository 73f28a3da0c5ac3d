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

/**
 * How many noted messages `indexPending` indexes per transaction unless told fewer: a search's own
 * indexing (`indexNotedSoFar`), which the search waits for. The indexer behind the sends takes far
 * fewer at a time (search-indexer.ts, `INDEXER_BATCH`).
 */
export const PENDING_BATCH = 2000;

/** Pages of merge work (FTS5's 'merge' command) one `mergeIndexSlice` asks for. */
export const MERGE_PAGES = 16;

/**
 * Migration 0050 (issue 41): FTS5's automatic merging off for the token index. FTS5 does it
 * inside whichever commit crosses its work unit (every 64 leaf pages written: 64 pages of merging
 * for each level of the index at once), and that commit holds the connection, so the sends that
 * arrive meanwhile wait. Measured on an index of 100,000 messages growing by batches of 100: a
 * batch's commit p50 0.33 ms, p99 3.2 ms, longest 11.5 ms. The indexer now does the merging
 * itself (`mergeIndexSlice`, 16 pages a slice, each in a transaction of its own): commits p99
 * 0.57 ms, slices p50 1.1 ms, p99 2.3 ms, longest 2.3 ms, for ~0.3 µs more a message. The
 * index's shape stays as 0024 made it: a level merged from 16 segments on, and FTS5's crisis
 * merge (past 64 on one level) the backstop should the slices fall behind.
 */
export const searchMergesSliced: Migration = {
  async up(db) {
    await sql`insert into messages_search(messages_search, rank) values ('automerge', 0)`.execute(db);
    // The slices merge a level from 16 segments on, as FTS5 did since migration 0024.
    await sql`insert into messages_search(messages_search, rank) values ('usermerge', 16)`.execute(db);
  },
};

/**
 * One slice of the token index's merge work (`MERGE_PAGES` pages), in a transaction of its own:
 * answers whether it found any to do, so more may be left. Derived data like the index itself:
 * its commit waits for no flush. FTS5 counts two changes or more for a 'merge' that merged.
 */
export async function mergeIndexSlice(db: Db, pages = MERGE_PAGES): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const changes = async () => Number((await sql<{ n: number }>`select total_changes() as n`.execute(trx)).rows[0]!.n);
    const before = await changes();
    await sql`${sql.raw(DERIVED)} insert into messages_search(messages_search, rank) values ('merge', ${pages})`.execute(trx);
    return (await changes()) - before >= 2;
  });
}

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
  // Rowids and tokens go in as one JSON parameter: a statement's text stays the same whatever the
  // count, so each is prepared once (statement-cache.ts).
  return db.transaction().execute(async (trx) => {
    // The bodies still as read, of messages still noted: the transaction keeps them so. Compared
    // here, not in SQL, so that any text compares as JavaScript read it.
    const { rows: current } = await sql<{ rowid: number; body: string }>`
      select m.rowid, m.body from json_each(${JSON.stringify(toMake.map((row) => row.rowid))}) j
      cross join messages m on m.rowid = j.value cross join search_pending p on p.message_rowid = m.rowid
      where m.search_tokens is null`.execute(trx);
    const bodies = new Map(current.map((row) => [row.rowid, row.body]));
    const unchanged = toMake.flatMap((row, i) => (bodies.get(row.rowid) === row.body ? [[row.rowid, tokens[i]!] as const] : []));
    const made = JSON.stringify(unchanged);
    await sql`${sql.raw(DERIVED)} insert into messages_search(rowid, tokens, scope)
      select m.rowid, j.value ->> 1, hex(m.conversation_id)
      from json_each(${made}) j cross join messages m on m.rowid = j.value ->> 0
      where j.value ->> 1 <> ''`.execute(trx);
    await sql`${sql.raw(DERIVED)} insert into messages_search(rowid, tokens, scope)
      select m.rowid, m.search_tokens, hex(m.conversation_id)
      from search_pending p cross join messages m on m.rowid = p.message_rowid
      where p.message_rowid <= ${upto} and m.search_tokens <> ''`.execute(trx);
    // Dropped: the notes of messages indexed by their stored tokens (or with none), and of those whose tokens were just made.
    await sql`${sql.raw(DERIVED)} delete from search_pending where message_rowid <= ${upto} and exists (
      select 1 from messages m where m.rowid = search_pending.message_rowid and m.search_tokens is not null)`.execute(trx);
    await sql`${sql.raw(DERIVED)} delete from search_pending
      where message_rowid in (select j.value ->> 0 from json_each(${made}) j)`.execute(trx);
    return noted.length;
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
