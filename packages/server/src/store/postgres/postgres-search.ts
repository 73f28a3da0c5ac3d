import { type Migration, type RawBuilder, sql } from 'kysely';
import type { MessageSearch, SearchHit } from '../store.js';
import { type Db, toMessage } from '../sql/rows.js';
import { type SearchIndex, reindexNewestFirst, reindexRemainingById, searchFilters, searchScope } from '../sql/search.js';
import { withQuotes } from '../sql/message-changes.js';
import { indexTokens } from '../search-tokens.js';

/**
 * PostgreSQL's search: a `tsvector` column of each message, under a GIN index. The vector is
 * the message's prepared tokens (store/search-tokens.ts: words, stems, CJK bigrams) rather than a
 * text search configuration's parse, so it holds exactly what SQLite's index holds, with no
 * extension to install: in effect the `simple` configuration over the tokens. It is written with
 * the row, in the transaction of the send or edit. Migration 0024 changes no schema here: the
 * re-index job (services/search/reindex-job.ts) writes stored messages' vectors again.
 */
export const postgresSearchMigrations: Record<string, Migration> = {
  '0008_search_pg': {
    async up(db) {
      await sql`alter table messages add column search_vector tsvector`.execute(db);
      // Messages stored before: indexed here, a page at a time, by the same function as new ones.
      for (let after = ''; ;) {
        const { rows } = await sql<{ id: string; body: string }>`
          select id, body from messages where id > ${after} order by id limit 1000`.execute(db);
        if (rows.length === 0) break;
        for (const row of rows) {
          await sql`update messages set search_vector = ${tsvectorOf(row.body)} where id = ${row.id}`.execute(db);
        }
        after = rows.at(-1)!.id;
      }
      await sql`create index messages_search on messages using gin (search_vector)`.execute(db);
    },
  },
};

/** `'lexeme' 'lexeme'` text quoting: a quote is doubled, a backslash escaped (tokens never hold either, but the literal stays sound). */
const quoteLexeme = (word: string) => `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/**
 * The body's tsvector literal: its prepared tokens (store/search-tokens.ts), without positions
 * (no query asks for them; the service ranks). In effect the `simple` configuration over tokens
 * made in JavaScript, so it holds exactly what SQLite's token index holds.
 */
export function tsvectorText(body: string): string {
  return indexTokens(body).map(quoteLexeme).join(' ');
}

const tsvectorOf = (body: string): RawBuilder<string> => sql<string>`${tsvectorText(body)}::tsvector`;

/**
 * Every word must match, by any one of its tokens (a CJK run also by all its bigrams), the last
 * word's own token also as a prefix (`:*`): the same query as SQLite's (sqlite-search.ts, tokenQuery).
 */
export function tsqueryText(search: MessageSearch): string {
  const { terms, prefix } = search.terms;
  return terms
    .map((term, i) => {
      const any = term.tokens.map((t) => `${quoteLexeme(t)}${t === term.word && prefix && i === terms.length - 1 ? ':*' : ''}`);
      if (term.bigrams.length > 0) any.push(`(${term.bigrams.map(quoteLexeme).join(' & ')})`);
      return `(${any.join(' | ')})`;
    })
    .join(' & ');
}

export const postgresSearch: SearchIndex = {
  indexColumns: (body) => ({ search_vector: tsvectorOf(body) }),

  /**
   * The GIN index finds the word's matches; narrowed to the scope's conversations (when there is
   * one) by their index on `conversation_id` too, the two bitmaps meet before any row is read.
   *
   * The membership is joined on `m.conversation_id || ''`, an expression the messages' index
   * cannot take: otherwise the planner may loop over my conversations and, for each, AND its
   * range of that index with the GIN index's matches, running the full-text search once per
   * conversation (`release plan`, 3,817 matches, 100 conversations: 100 GIN scans, 1,004 ms;
   * once, then hashed with my memberships, 57 ms; EXPLAIN ANALYZE in docs/search.md). Walking
   * the messages newest first (a common word) still looks my membership up by its key.
   */
  async findMatches(db: Db, search: MessageSearch): Promise<SearchHit[]> {
    const scope = await searchScope(db, search);
    if (scope !== null && scope.length === 0) return [];
    const query = db
      .selectFrom('messages as m')
      .innerJoin('members as me', (join) =>
        join.on(sql<boolean>`me.conversation_id = (m.conversation_id || '')`).on('me.user_id', '=', search.userId),
      )
      .selectAll('m')
      .where(sql<boolean>`m.search_vector @@ ${tsqueryText(search)}::tsquery`)
      .whereRef('m.seq', '>', 'me.cleared_seq')
      .where((eb) => searchFilters(eb, search, scope));
    const rows = await query.orderBy('m.id', 'desc').limit(search.limit).execute();
    const messages = await withQuotes(db, rows.map(toMessage));
    return messages.map((message) => ({ message, key: message.id }));
  },

  /** Until a message is done, its old vector (its words, folded) still answers for its words. */
  reindexBatch: (db) =>
    reindexNewestFirst(db, async (trx, rows) => {
      const vectors = JSON.stringify(rows.map((r) => ({ id: r.id, v: tsvectorText(r.body) })));
      await sql`update messages m set search_vector = (x.v)::tsvector
        from json_to_recordset(${vectors}::json) as x(id text, v text) where m.id = x.id`.execute(trx);
    }),

  reindexRemaining: reindexRemainingById,
};
