import { type Migration, type RawBuilder, sql } from 'kysely';
import type { MessageSearch, SearchHit } from '../store.js';
import { type Db, toMessage } from '../sql/rows.js';
import { type SearchIndex, searchScope } from '../sql/search.js';
import { withQuotes } from '../sql/message-changes.js';
import { words } from '../search-tokens.js';

/**
 * PostgreSQL's search: a `tsvector` column of each message, under a GIN index. The vector is
 * made here from the words of store/search-tokens.ts (folded, with their positions) rather than
 * by a text search configuration's parser, so it splits and folds words exactly as SQLite's FTS5
 * does, with no extension (`unaccent`) to install: in effect the `simple` configuration with
 * Latin diacritics folded. It is written with the row, in the transaction of the send or edit.
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

/** Lexemes longer than this are refused by PostgreSQL ("word is too long"): such a word is not indexed. */
const MAX_LEXEME_BYTES = 2047;
/** PostgreSQL keeps positions up to this; later words share it. */
const MAX_POSITION = 16_383;

/** `'lexeme' 'lexeme'` text quoting: a quote is doubled, a backslash escaped (words never hold either, but the literal stays sound). */
const quoteLexeme = (word: string) => `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/** The body's tsvector literal: each folded word with its positions. */
export function tsvectorText(body: string): string {
  const positions = new Map<string, number[]>();
  words(body).forEach((word, i) => {
    if (Buffer.byteLength(word.folded) > MAX_LEXEME_BYTES) return;
    const list = positions.get(word.folded) ?? [];
    if (list.length < 256) list.push(Math.min(i + 1, MAX_POSITION));
    positions.set(word.folded, list);
  });
  return [...positions].map(([lexeme, at]) => `${quoteLexeme(lexeme)}:${[...new Set(at)].join(',')}`).join(' ');
}

const tsvectorOf = (body: string): RawBuilder<string> => sql<string>`${tsvectorText(body)}::tsvector`;

/** Every folded word must be there; the last one as a prefix (`:*`) when the search asks for it. */
export function tsqueryText(search: MessageSearch): string {
  const { folded, prefix } = search.terms;
  return folded.map((word, i) => `${quoteLexeme(word)}${prefix && i === folded.length - 1 ? ':*' : ''}`).join(' & ');
}

export const postgresSearch: SearchIndex = {
  indexColumns: (body) => ({ search_vector: tsvectorOf(body) }),

  /**
   * The GIN index finds the word's matches; narrowed to the scope's conversations (when there is
   * one) by their index on `conversation_id` too, the two bitmaps meet before any row is read.
   */
  async findMatches(db: Db, search: MessageSearch): Promise<SearchHit[]> {
    const scope = await searchScope(db, search);
    if (scope !== null && scope.length === 0) return [];
    let query = db
      .selectFrom('messages as m')
      .innerJoin('members as me', (join) => join.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', search.userId))
      .selectAll('m')
      .where(sql<boolean>`m.search_vector @@ ${tsqueryText(search)}::tsquery`)
      .whereRef('m.seq', '>', 'me.cleared_seq')
      .where('m.deleted_at', 'is', null)
      .where('m.kind', '<>', 'system');
    if (scope !== null) query = query.where('m.conversation_id', 'in', scope);
    if (search.senderId !== undefined) query = query.where('m.sender_id', '=', search.senderId);
    if (search.after !== undefined) query = query.where('m.created_at', '>', search.after);
    if (search.before !== undefined) query = query.where('m.created_at', '<', search.before);
    if (search.below !== undefined) query = query.where('m.id', '<', search.below);
    if (search.upTo !== undefined) query = query.where('m.id', '<=', search.upTo);
    if (search.from !== undefined) query = query.where('m.id', '>=', search.from);
    const rows = await query.orderBy('m.id', 'desc').limit(search.limit).execute();
    const messages = await withQuotes(db, rows.map(toMessage));
    return messages.map((message) => ({ message, key: message.id }));
  },
};
