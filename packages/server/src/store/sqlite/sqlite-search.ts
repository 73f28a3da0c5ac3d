import { type Kysely, type Migration, type QueryExecutorProvider, sql } from 'kysely';
import type { MessageSearch, SearchHit } from '../store.js';
import { type Db, toMessage } from '../sql/rows.js';
import { type ReindexProgress, type SearchIndex, searchScope } from '../sql/search.js';
import { type SearchTerms, indexTokens } from '../search-tokens.js';
import type { Database } from '../schema.js';
import type { Selectable } from 'kysely';
import { withQuotes } from '../sql/message-changes.js';
import { indexNotedSoFar } from './search-notes.js';

/**
 * SQLite's search: an FTS5 index (`messages_search`, migration 0024) of each message's prepared
 * tokens (`messages.search_tokens`, store/search-tokens.ts), with prefix indexes for 2 and 3
 * characters so a short prefix reads one doclist. Contentless (it holds no copy of the text);
 * beside the tokens it indexes the message's conversation as one term (`scope`: the id's bytes in
 * hex), so a search narrowed to some conversations reads only their matches. Triggers note every
 * insert and change of the tokens in `search_pending`, inside the statement's own transaction, and
 * take a deleted message out at once; the noted messages are indexed many to a transaction by
 * `indexPending` (search-notes.ts, migration 0046), before any search reads the index. An empty
 * body (a system message, a tombstone, an encrypted message) is not indexed.
 *
 * `messages_fts` below is the index before 0024 (raw bodies through `unicode61`): kept until the
 * re-index job has done the messages stored before, then dropped.
 */
const createIndex = [
  sql`create virtual table messages_fts using fts5(
    body, scope, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3')`,
  sql`create trigger messages_fts_insert after insert on messages when new.body <> '' begin
    insert into messages_fts(rowid, body, scope) values (new.rowid, new.body, hex(new.conversation_id));
  end`,
  sql`create trigger messages_fts_delete after delete on messages begin
    delete from messages_fts where rowid = old.rowid;
  end`,
  sql`create trigger messages_fts_update after update of body on messages begin
    delete from messages_fts where rowid = old.rowid;
    insert into messages_fts(rowid, body, scope) select new.rowid, new.body, hex(new.conversation_id) where new.body <> '';
  end`,
];

export const sqliteSearchMigrations: Record<string, Migration> = {
  '0008_search_sqlite': {
    async up(db) {
      await sql`create virtual table messages_fts using fts5(
        body, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='2 3')`.execute(db);
      await sql`create trigger messages_fts_insert after insert on messages begin
        insert into messages_fts(rowid, body) values (new.rowid, new.body);
      end`.execute(db);
      await sql`create trigger messages_fts_delete after delete on messages begin
        insert into messages_fts(messages_fts, rowid, body) values ('delete', old.rowid, old.body);
      end`.execute(db);
      await sql`create trigger messages_fts_update after update of body on messages begin
        insert into messages_fts(messages_fts, rowid, body) values ('delete', old.rowid, old.body);
        insert into messages_fts(rowid, body) values (new.rowid, new.body);
      end`.execute(db);
      await sql`insert into messages_fts(messages_fts) values ('rebuild')`.execute(db);
    },
  },
  // The index of 0008 again, now with each message's conversation (scope), filled from the stored messages.
  '0012_search_scope': {
    async up(db) {
      for (const name of ['messages_fts_insert', 'messages_fts_delete', 'messages_fts_update'])
        await sql`drop trigger ${sql.id(name)}`.execute(db);
      await sql`drop table messages_fts`.execute(db);
      for (const statement of createIndex) await statement.execute(db);
      await fillIndex(db);
    },
  },
  /**
   * FTS5 merges a level's segments once 16 are there, not 4 (its `automerge`), and merges a level
   * all at once only past 64, not 16 (its `crisismerge`). Each commit writes a segment, and each
   * edit or delete one more (a change of an earlier row makes FTS5 write out what it holds);
   * merging every 4 rewrote the index's data about twice as often. Measured on a store of 190,000
   * messages, per transaction of 368 sends: 8.2 → 7.1 ms, and with 11 edits and deletes among
   * them 10.3 → 7.8 ms (an edit 190 → 68 µs). A whole-level merge held one commit for up to
   * 290 ms; past 64 segments it comes far more rarely (10,000 commits of 8 messages: the longest
   * 278 → 29 ms). A search reads up to 15 segments a level instead of 3 (docs/search.md, Cost).
   */
  '0017_search_automerge': {
    async up(db) {
      await sql`insert into messages_fts(messages_fts, rank) values ('automerge', 16)`.execute(db);
      await sql`insert into messages_fts(messages_fts, rank) values ('crisismerge', 64)`.execute(db);
    },
  },
  /**
   * The index of prepared tokens (store/search-tokens.ts, decision 0024): each message's tokens in
   * `messages.search_tokens`, indexed by FTS5's `ascii` tokenizer (every non-ASCII character is
   * part of a token, so a token made in JavaScript stays one), with the column-level detail only
   * (no positions: no query asks for them). The index of 0012 stays until the re-index job has
   * done every message stored before (services/search/reindex-job.ts): meanwhile a search reads
   * the new index above the job's mark and the old one below it.
   */
  '0024_search_tokens': {
    async up(db) {
      await sql`alter table messages add column search_tokens text`.execute(db);
      for (const statement of createTokenIndex) await statement.execute(db);
      await sql`insert into messages_search(messages_search, rank) values ('automerge', 16)`.execute(db);
      await sql`insert into messages_search(messages_search, rank) values ('crisismerge', 64)`.execute(db);
      const { rows } = await sql<{ n: number }>`select count(*) as n from messages where body <> ''`.execute(db);
      // Nothing stored yet (a new install): nothing to re-index, and no old index to keep.
      if (Number(rows[0]!.n) === 0) await dropLegacyIndex(db);
      // Else the job's mark starts above the last message: those sent from now on are in the token index.
      else await sql`update search_reindex set below = (select max(rowid) + 1 from messages) where id = 'messages'`.execute(db);
    },
  },
};

/** The token index: kept by triggers on insert, change of the tokens, and delete. */
const createTokenIndex = [
  sql`create virtual table messages_search using fts5(
    tokens, scope, content='', contentless_delete=1, tokenize='ascii', detail='column', prefix='2 3')`,
  sql`create trigger messages_search_insert after insert on messages when new.search_tokens <> '' begin
    insert into messages_search(rowid, tokens, scope) values (new.rowid, new.search_tokens, hex(new.conversation_id));
  end`,
  sql`create trigger messages_search_delete after delete on messages begin
    delete from messages_search where rowid = old.rowid;
  end`,
  sql`create trigger messages_search_update after update of search_tokens on messages begin
    delete from messages_search where rowid = old.rowid;
    insert into messages_search(rowid, tokens, scope)
      select new.rowid, new.search_tokens, hex(new.conversation_id) where new.search_tokens <> '';
  end`,
];

/** The index of 0012 (raw bodies through `unicode61`), once every message is in the token index; marks the re-index done. */
export async function dropLegacyIndex(db: QueryExecutorProvider): Promise<void> {
  for (const name of ['messages_fts_insert', 'messages_fts_delete', 'messages_fts_update'])
    await sql`drop trigger if exists ${sql.id(name)}`.execute(db);
  await sql`drop table if exists messages_fts`.execute(db);
  await sql`update search_reindex set finished_at = ${Date.now()} where id = 'messages'`.execute(db);
}

/**
 * Indexes every stored message again (the migration; after a `VACUUM`, which may renumber the
 * rowids the index is keyed by, `DELETE FROM messages_fts` and this).
 */
export async function fillIndex(db: Kysely<unknown>): Promise<void> {
  await sql`insert into messages_fts(rowid, body, scope)
    select rowid, body, hex(conversation_id) from messages where body <> ''`.execute(db);
}

/**
 * The search's tokens as an FTS5 query over the token index: each word is its tokens, any one
 * of them (`"t1" OR "t2"`, a CJK run also all its bigrams), the last word's own token also as a
 * prefix (`"t"*`); every word must match. Tokens are letters, digits and marks only, each quoted:
 * nothing typed is read as FTS5 syntax.
 */
export function tokenQuery(terms: SearchTerms): string {
  const n = terms.terms.length;
  return terms.terms
    .map((term, i) => {
      const any = term.tokens.map((t) => (t === term.word && terms.prefix && i === n - 1 ? `${quoted(t)}*` : quoted(t)));
      if (term.bigrams.length > 0) any.push(`(${term.bigrams.map(quoted).join(' AND ')})`);
      return `(${any.join(' OR ')})`;
    })
    .join(' AND ');
}
const quoted = (token: string) => `"${token.replaceAll('"', '""')}"`;

/** The words as the index of 0012 knows them (raw body through `unicode61`): each quoted, the last a prefix. */
export function legacyQuery(terms: SearchTerms): string {
  const { raw, prefix } = terms;
  return raw.map((word, i) => `${quoted(word)}${prefix && i === raw.length - 1 ? '*' : ''}`).join(' ');
}

/** The conversations as scope terms, then the words: a word typed never matches a scope term. */
const matchOf = (scope: string[] | null, column: string, words: string) =>
  scope === null
    ? `${column} : (${words})`
    : `scope : (${scope.map((id) => `"${scopeTerm(id)}"`).join(' OR ')}) AND ${column} : (${words})`;

/** Where the re-index job is: every message from `below` up is in the token index, those under it in the old one. */
async function reindexMark(db: Db): Promise<number | 'done'> {
  const { rows } = await sql<{ below: string | null; finished_at: number | null }>`
    select below, finished_at from search_reindex where id = 'messages'`.execute(db);
  const row = rows[0];
  if (row === undefined || row.finished_at !== null) return 'done';
  return row.below === null ? Number.MAX_SAFE_INTEGER : Number(row.below);
}

type Row = Selectable<Database['messages']> & { search_key: number };

/**
 * FTS5 hands out matches in rowid order, newest first, only in the scope's conversations when
 * there is one; each is joined to its row and my membership and kept when I may read it, until
 * `limit` are found: the cost follows the matches read, not all of them. CROSS JOIN keeps that
 * order: left to choose, SQLite may walk a conversation's (or a sender's) messages by their
 * index and run the full-text query once for each, measured at 0.5 s for a conversation.
 */
async function matchesIn(
  db: Db,
  search: MessageSearch,
  table: 'messages_search' | 'messages_fts',
  match: string,
  range: { below?: number; atLeast?: number },
  limit: number,
) {
  const bounds = [
    search.below === undefined ? sql`` : sql`and f.rowid < ${Number(search.below)}`,
    range.below === undefined ? sql`` : sql`and f.rowid < ${range.below}`,
    range.atLeast === undefined ? sql`` : sql`and f.rowid >= ${range.atLeast}`,
    search.upTo === undefined ? sql`` : sql`and f.rowid <= ${Number(search.upTo)}`,
    search.from === undefined ? sql`` : sql`and f.rowid >= ${Number(search.from)}`,
  ];
  const filters = [
    search.conversationId === undefined ? sql`` : sql`and m.conversation_id = ${search.conversationId}`,
    search.senderId === undefined ? sql`` : sql`and m.sender_id = ${search.senderId}`,
    search.after === undefined ? sql`` : sql`and m.created_at > ${search.after}`,
    search.before === undefined ? sql`` : sql`and m.created_at < ${search.before}`,
  ];
  const { rows } = await sql<Row>`
    select m.*, f.rowid as search_key
    from ${sql.table(table)} f
    cross join messages m on m.rowid = f.rowid
    cross join members me on me.conversation_id = m.conversation_id and me.user_id = ${search.userId}
    where ${sql.table(table)} match ${match}
      and m.seq > me.cleared_seq and m.deleted_at is null and m.kind <> 'system'
      ${sql.join(bounds, sql` `)} ${sql.join(filters, sql` `)}
    order by f.rowid desc
    limit ${limit}`.execute(db);
  return rows;
}

/** How many messages the re-index job takes per transaction: short enough not to hold sends back. */
const REINDEX_BATCH = 200;

export const sqliteSearch: SearchIndex = {
  // The tokens are made by the indexer, off the send (decision 0046): null says "still to make"; '' nothing to index.
  indexColumns: (body) => ({ search_tokens: body.trim() === '' ? '' : null }),

  /**
   * The token index; while the re-index job runs, the matches under its mark come from the old
   * index (by the words as typed, without stems or segmentation), after the new one's: both in
   * rowid order, so the pages and windows stay as they are.
   */
  async findMatches(db: Db, search: MessageSearch): Promise<SearchHit[]> {
    await indexNotedSoFar(db);
    const scope = await searchScope(db, search);
    if (scope !== null && scope.length === 0) return [];
    const mark = await reindexMark(db);
    // A message under the mark edited since is in both indexes: the old one answers for it.
    const above = mark === 'done' ? {} : { atLeast: mark };
    const rows = await matchesIn(db, search, 'messages_search', matchOf(scope, 'tokens', tokenQuery(search.terms)), above, search.limit);
    if (mark !== 'done' && rows.length < search.limit) {
      const old = matchOf(scope, 'body', legacyQuery(search.terms));
      const legacy = await matchesIn(db, search, 'messages_fts', old, { below: mark }, search.limit - rows.length);
      rows.push(...legacy);
    }
    const messages = await withQuotes(db, rows.map(toMessage));
    return messages.map((message, i) => ({ message, key: String(rows[i]!.search_key) }));
  },

  /**
   * The next messages stored before 0024, newest first, indexed by their tokens; the mark moves
   * down with them in the same transaction, so a job stopped anywhere resumes where it was.
   */
  async reindexBatch(db: Db): Promise<ReindexProgress> {
    return db.transaction().execute(async (trx) => {
      const mark = await reindexMark(trx);
      if (mark === 'done') return { indexed: 0, finished: true };
      const { rows } = await sql<{ rowid: number; body: string }>`
        select rowid, body from messages where rowid < ${mark} and body <> '' order by rowid desc limit ${REINDEX_BATCH}`.execute(trx);
      for (const row of rows) {
        await sql`update messages set search_tokens = ${indexTokens(row.body).join(' ')} where rowid = ${row.rowid}`.execute(trx);
      }
      if (rows.length < REINDEX_BATCH) {
        await dropLegacyIndex(trx);
        return { indexed: rows.length, finished: true };
      }
      const below = rows.at(-1)!.rowid;
      await sql`update search_reindex set below = ${String(below)} where id = 'messages'`.execute(trx);
      return { indexed: rows.length, finished: false };
    });
  },

  async reindexRemaining(db: Db): Promise<number> {
    const mark = await reindexMark(db);
    if (mark === 'done') return 0;
    const { rows } = await sql<{ n: number }>`select count(*) as n from messages where rowid < ${mark} and body <> ''`.execute(db);
    return Number(rows[0]!.n);
  },
};

/** A conversation as one index term: its id's bytes in hex, as SQL's `hex()` writes them (FTS5 folds the case). */
const scopeTerm = (conversationId: string): string => Buffer.from(conversationId, 'utf8').toString('hex');
