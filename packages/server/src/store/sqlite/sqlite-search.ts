import { type Kysely, type Migration, sql } from 'kysely';
import type { MessageSearch, SearchHit } from '../store.js';
import { type Db, toMessage } from '../sql/rows.js';
import { type SearchIndex, searchScope } from '../sql/search.js';
import type { Database } from '../schema.js';
import type { Selectable } from 'kysely';
import { withQuotes } from '../sql/message-changes.js';

/**
 * SQLite's search: an FTS5 index of `messages.body` tokenized by `unicode61 remove_diacritics 2`,
 * with prefix indexes for 2 and 3 characters so a short prefix reads one doclist. Contentless (it
 * holds no copy of the text); beside each body it indexes the message's conversation as one term
 * (`scope`: the id's bytes in hex), so a search narrowed to some conversations reads only their
 * matches. Triggers keep it in step with every insert, body change and delete, inside the
 * statement's own transaction. An empty body (a system message, a tombstone) is not indexed.
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
};

/**
 * Indexes every stored message again (the migration; after a `VACUUM`, which may renumber the
 * rowids the index is keyed by, `DELETE FROM messages_fts` and this).
 */
export async function fillIndex(db: Kysely<unknown>): Promise<void> {
  await sql`insert into messages_fts(rowid, body, scope)
    select rowid, body, hex(conversation_id) from messages where body <> ''`.execute(db);
}

/**
 * Each word a quoted FTS5 string (FTS5 tokenizes inside it, as it did the body), the last one a
 * prefix query: nothing typed is read as FTS5 syntax. Words are letters, digits and marks only,
 * and a `"` would be doubled anyway.
 */
export function fts5Query(search: MessageSearch): string {
  const { raw, prefix } = search.terms;
  return raw.map((word, i) => `"${word.replaceAll('"', '""')}"${prefix && i === raw.length - 1 ? '*' : ''}`).join(' ');
}

/** The body's words, in the body column: a word typed never matches a scope term. */
const matchOf = (search: MessageSearch, scope: string[] | null) =>
  scope === null
    ? `body : (${fts5Query(search)})`
    : `scope : (${scope.map((id) => `"${scopeTerm(id)}"`).join(' OR ')}) AND body : (${fts5Query(search)})`;

export const sqliteSearch: SearchIndex = {
  indexColumns: () => ({}),

  /**
   * FTS5 hands out matches in rowid order, newest first, only in the scope's conversations when
   * there is one; each is joined to its row and my membership and kept when I may read it, until
   * `limit` are found: the cost follows the matches read, not all of them. CROSS JOIN keeps that
   * order: left to choose, SQLite may walk a conversation's (or a sender's) messages by their
   * index and run the full-text query once for each, measured at 0.5 s for a conversation.
   */
  async findMatches(db: Db, search: MessageSearch): Promise<SearchHit[]> {
    const scope = await searchScope(db, search);
    if (scope !== null && scope.length === 0) return [];
    const bounds = [
      search.below === undefined ? sql`` : sql`and f.rowid < ${Number(search.below)}`,
      search.upTo === undefined ? sql`` : sql`and f.rowid <= ${Number(search.upTo)}`,
      search.from === undefined ? sql`` : sql`and f.rowid >= ${Number(search.from)}`,
    ];
    const filters = [
      search.conversationId === undefined ? sql`` : sql`and m.conversation_id = ${search.conversationId}`,
      search.senderId === undefined ? sql`` : sql`and m.sender_id = ${search.senderId}`,
      search.after === undefined ? sql`` : sql`and m.created_at > ${search.after}`,
      search.before === undefined ? sql`` : sql`and m.created_at < ${search.before}`,
    ];
    const { rows } = await sql<Selectable<Database['messages']> & { search_key: number }>`
      select m.*, f.rowid as search_key
      from messages_fts f
      cross join messages m on m.rowid = f.rowid
      cross join members me on me.conversation_id = m.conversation_id and me.user_id = ${search.userId}
      where messages_fts match ${matchOf(search, scope)}
        and m.seq > me.cleared_seq and m.deleted_at is null and m.kind <> 'system'
        ${sql.join(bounds, sql` `)} ${sql.join(filters, sql` `)}
      order by f.rowid desc
      limit ${search.limit}`.execute(db);
    const messages = await withQuotes(db, rows.map(toMessage));
    return messages.map((message, i) => ({ message, key: String(rows[i]!.search_key) }));
  },
};

/** A conversation as one index term: its id's bytes in hex, as SQL's `hex()` writes them (FTS5 folds the case). */
const scopeTerm = (conversationId: string): string => Buffer.from(conversationId, 'utf8').toString('hex');
