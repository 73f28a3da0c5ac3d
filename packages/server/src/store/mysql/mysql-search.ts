import { type Migration, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { MessageSearch, SearchHit } from '../store.js';
import { type Db, toMessage } from '../sql/rows.js';
import { type SearchIndex, reindexNewestFirst, reindexRemainingById, searchFilters, searchScope } from '../sql/search.js';
import { withQuotes } from '../sql/message-changes.js';
import { indexTokens } from '../search-tokens.js';
import { booleanQueryOf, groupsMatch, planIndexQuery, wordGroups, wordShares, wordToken } from './mysql-search-plan.js';

/**
 * MySQL's and MariaDB's search: an InnoDB FULLTEXT index over `messages.search_vector`, a column
 * of prepared tokens written with the row (in the transaction of the send or edit), made from the
 * words of store/search-tokens.ts as PostgreSQL's tsvector and SQLite's FTS5 are, so the three
 * engines answer a query with the same hits.
 *
 * Each folded word is stored as `w` + the hex of its UTF-8 bytes. InnoDB's parser then sees one
 * plain ASCII token per word, whatever the script: it never splits a word the tokenizer kept
 * whole, never meets a stopword, and its minimum token size (innodb_ft_min_token_size, 3 by
 * default; 上海 is two characters) hides nothing: the shortest word, one ASCII letter, is `w` and
 * two hex digits. Its maximum (innodb_ft_max_token_size, 84) is kept by indexing a word's first 41
 * bytes: a longer word matches any word sharing those bytes, and a query is cut the same way. A
 * hex prefix is the prefix of a word, so `term*` still finds words by their start; and a query
 * never reaches the engine as text typed: each term is `+w<hex>`, nothing InnoDB's boolean mode
 * could read as syntax.
 */
export const mysqlSearchMigrations: Record<string, Migration> = {
  '0008_search_mysql': {
    async up(db) {
      await sql`alter table messages add column search_vector longtext not null default ('')`.execute(db);
      // Messages stored before: indexed here, a page at a time, by the same function as new ones.
      for (let after = ''; ;) {
        const { rows } = await sql<{ id: string; body: string }>`
          select id, body from messages where id > ${after} order by id limit 1000`.execute(db);
        if (rows.length === 0) break;
        for (const row of rows) {
          await sql`update messages set search_vector = ${searchTokens(row.body)} where id = ${row.id}`.execute(db);
        }
        after = rows.at(-1)!.id;
      }
      await sql`create fulltext index messages_search on messages (search_vector)`.execute(db);
    },
  },
};

export { wordToken };

/** The body's tokens (store/search-tokens.ts: words, stems, CJK bigrams), each once, space-separated. */
export function searchTokens(body: string): string {
  return [...new Set(indexTokens(body).map(wordToken))].join(' ');
}

/**
 * Every search word must match: as any one of its tokens (the word, its stems), or, for a CJK
 * run, as all of its bigrams (`(+b1 +b2)`); the last word's own token also as a prefix (`*`) when
 * the search asks for it. The same query SQLite's FTS5 and PostgreSQL's tsquery get; a search
 * asks it in the order planIndexQuery chooses.
 */
export const booleanQuery = (search: MessageSearch): string => booleanQueryOf(wordGroups(search));

/** A message's `search_vector` as a value (MySQL's batched append binds it among its statements). */
export const searchVector = (body: string): string => searchTokens(body);

const tokensOf = (body: string): RawBuilder<string> => sql<string>`${searchVector(body)}`;

/**
 * Rows of messages walked newest first at most before the FULLTEXT index finds the rest
 * (findMatches). Measured at a million messages: a row walked costs about 5 µs, a match the
 * index finds about 50 µs (every match of the query is read, whatever the window needs).
 */
export const WALK_ROWS = 300_000;
/** The first window walked: a common word fills a search's window within it, a rare one tells it is rare. */
const FIRST_WINDOW = 4000;

/**
 * The newest messages (under `search.below`, at or under `upTo`) walked in windows of rows by
 * primary key, the matches I may read kept, until `limit` are found, every row is walked, or
 * the matches seen say the rest would take more than `walkRows` rows. `rest`: the keys the walk
 * left to the index (`below` where it stopped), null when it walked them all.
 */
async function findByWalking(db: Db, search: MessageSearch, scope: string[] | null, walkRows: number) {
  const rows: Selectable<Database['messages']>[] = [];
  let below = search.below;
  let walked = 0;
  let window = Math.min(FIRST_WINDOW, walkRows);
  while (window > 0) {
    const { rows: edge } = await sql<{ id: string }>`
      select id from messages where 1 = 1
        ${below === undefined ? sql`` : sql`and id < ${below}`} ${search.upTo === undefined ? sql`` : sql`and id <= ${search.upTo}`}
      order by id desc limit 1 offset ${window - 1}`.execute(db);
    const boundary = edge[0]?.id;
    let query = readable(db, { ...search, below }, scope).where(groupsMatch(wordGroups(search)));
    if (boundary !== undefined) query = query.where('m.id', '>=', boundary);
    rows.push(
      ...(await query
        .orderBy('m.id', 'desc')
        .limit(search.limit - rows.length)
        .execute()),
    );
    walked += window;
    // Everything walked (down to `from`, or the first message): nothing is left for the index.
    if (boundary === undefined || (search.from !== undefined && boundary <= search.from)) return { rows, rest: null };
    below = boundary;
    if (rows.length >= search.limit) break;
    // The rows still needed at the density seen so far, a quarter more for luck; none seen: too sparse to walk.
    const needed = rows.length === 0 ? Infinity : Math.ceil((((search.limit - rows.length) * walked) / rows.length) * 1.25);
    window = needed <= walkRows - walked ? needed : 0;
  }
  return { rows, rest: { below } };
}

/** The messages I may read, with the search's filters (all but the words). */
function readable(db: Db, search: MessageSearch, scope: string[] | null) {
  return db
    .selectFrom('messages as m')
    .innerJoin('members as me', (join) => join.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', search.userId))
    .selectAll('m')
    .whereRef('m.seq', '>', 'me.cleared_seq')
    .where((eb) => searchFilters(eb, search, scope));
}

/** The search index; `walkRows` is WALK_ROWS but in tests (0: the FULLTEXT index finds every match). */
export function mysqlSearchIndex(walkRows = WALK_ROWS): SearchIndex {
  const shares = wordShares();
  return {
    indexColumns: (body) => ({ search_vector: tokensOf(body) }),

    /**
     * InnoDB's FULLTEXT index hands out every match of a query at once, in no useful order, and
     * finding them is itself slow for a common word (`meeting` in a million messages: 0.45 s before
     * a row is read; reading and sorting them all, 2.6 s). So the newest messages are walked first
     * by their primary key, each row's tokens compared with the words (findByWalking), in windows
     * sized by how many matches the last one held; only when the matches look too sparse for a
     * walk (a rare word, a few conversations of many) does the index find the rest, below the
     * walked rows. Measured in docs/search.md (Cost, on MariaDB).
     */
    async findMatches(db: Db, search: MessageSearch): Promise<SearchHit[]> {
      if (search.terms.folded.length === 0) return [];
      const scope = await searchScope(db, search);
      if (scope !== null && scope.length === 0) return [];
      const walked = await findByWalking(db, search, scope, walkRows);
      let rows = walked.rows;
      if (rows.length < search.limit && walked.rest !== null) {
        const groups = wordGroups(search);
        // One word: nothing to order or leave out. Several: rarest first, the costly common ones compared in the rows.
        const plan =
          groups.length === 1 ? { against: booleanQueryOf(groups), filtered: [] } : planIndexQuery(groups, await shares(db, groups));
        let query = readable(db, { ...search, ...walked.rest }, scope).where(
          sql<boolean>`match(m.search_vector) against (${plan.against} in boolean mode)`,
        );
        if (plan.filtered.length > 0) query = query.where(groupsMatch(plan.filtered));
        const rest = await query
          .orderBy('m.id', 'desc')
          .limit(search.limit - rows.length)
          .execute();
        rows = [...rows, ...rest];
      }
      const messages = await withQuotes(db, rows.map(toMessage));
      return messages.map((message) => ({ message, key: message.id }));
    },

    reindexBatch: (db) =>
      reindexNewestFirst(db, async (trx, rows) => {
        for (const row of rows) await sql`update messages set search_vector = ${searchTokens(row.body)} where id = ${row.id}`.execute(trx);
      }),

    reindexRemaining: reindexRemainingById,
  };
}
