import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { ConversationName, MessageSearch, SearchHit } from '../store.js';
import type { Db } from './rows.js';

/**
 * What an engine contributes to search: how a message's body is indexed, and how matches are
 * found. PostgreSQL's tsvector column is written with the row (store/postgres/postgres-search.ts),
 * in the transaction that changes the body: a send, an edit, a delete. SQLite's FTS5 index is
 * kept by triggers that note the message in that transaction and an indexer that indexes the notes
 * many at a time just after (store/sqlite/sqlite-search.ts); its `findMatches` indexes what is
 * still noted first, so on every engine a search finds every change already answered.
 */
export interface SearchIndex {
  /**
   * Columns stored with a row whose body is `body`, on insert and whenever the body changes: its
   * prepared tokens (store/search-tokens.ts), as the engine indexes them.
   */
  indexColumns(body: string): { search_vector?: RawBuilder<string>; search_tokens?: string | null };
  findMatches(db: Db, search: MessageSearch): Promise<SearchHit[]>;
  /**
   * Indexes the next few messages stored before the token index (migration 0024), newest first,
   * and moves the job's mark (`search_reindex`) in the same transaction: resumable anywhere.
   */
  reindexBatch(db: Db): Promise<ReindexProgress>;
  /** How many messages the re-index job has still to do (0 once finished). */
  reindexRemaining(db: Db): Promise<number>;
}

/** What one step of the re-index job did. */
export interface ReindexProgress {
  indexed: number;
  /** Every message is in the token index: the job is over. */
  finished: boolean;
}

/** How many messages a server-engine re-index step takes per transaction. */
const REINDEX_BATCH = 500;

/** Where the re-index job is: messages under `below` (by id) are still to do; null before it starts. */
async function reindexMark(db: Db, lock: boolean): Promise<{ below: string | null } | 'done'> {
  const { rows } = await sql<{ below: string | null; finished_at: string | null }>`
    select below, finished_at from search_reindex where id = 'messages' ${lock ? sql`for update` : sql``}`.execute(db);
  const row = rows[0];
  return row === undefined || row.finished_at !== null ? 'done' : { below: row.below };
}

/**
 * One step of the re-index job on PostgreSQL and MySQL: the next messages, newest first by id,
 * indexed again by `index`; the mark moves with them in the transaction. The mark's row is
 * locked: nodes of a cluster take turns, and the job resumes anywhere.
 */
export async function reindexNewestFirst(
  db: Db,
  index: (trx: Db, rows: readonly { id: string; body: string }[]) => Promise<void>,
): Promise<ReindexProgress> {
  return db.transaction().execute(async (trx) => {
    const mark = await reindexMark(trx, true);
    if (mark === 'done') return { indexed: 0, finished: true };
    const { rows } = await sql<{ id: string; body: string }>`
      select id, body from messages where body <> '' ${mark.below === null ? sql`` : sql`and id < ${mark.below}`}
      order by id desc limit ${REINDEX_BATCH}`.execute(trx);
    if (rows.length > 0) await index(trx, rows);
    const finished = rows.length < REINDEX_BATCH;
    await sql`update search_reindex set below = ${rows.at(-1)?.id ?? mark.below},
      finished_at = ${finished ? Date.now() : null} where id = 'messages'`.execute(trx);
    return { indexed: rows.length, finished };
  });
}

/** How many messages reindexNewestFirst has still to do. */
export async function reindexRemainingById(db: Db): Promise<number> {
  const mark = await reindexMark(db, false);
  if (mark === 'done') return 0;
  const { rows } = await sql<{ n: string }>`select count(*) as n from messages
    where body <> '' ${mark.below === null ? sql`` : sql`and id < ${mark.below}`}`.execute(db);
  return Number(rows[0]!.n);
}

/**
 * Up to this many conversations, a search is narrowed to the searcher's conversations inside the
 * index (each conversation is a term there: matches elsewhere are never read). Past it, naming
 * them all costs more than skipping the few matches of the others (docs/search.md, Cost).
 */
export const SCOPED_CONVERSATIONS_MAX = 32;

/**
 * The conversations to narrow a search to inside the index: the one asked for, or all of the
 * searcher's when they are few; null to read the word's matches and keep the searcher's.
 */
export async function searchScope(db: Db, search: MessageSearch): Promise<string[] | null> {
  if (search.conversationId !== undefined) return [search.conversationId];
  const rows = await db
    .selectFrom('members')
    .select('conversation_id')
    .where('user_id', '=', search.userId)
    .limit(SCOPED_CONVERSATIONS_MAX + 1)
    .execute();
  return rows.length > SCOPED_CONVERSATIONS_MAX ? null : rows.map((r) => r.conversation_id);
}

/**
 * The search's conditions but its words, over `messages as m`: not deleted, not a system message,
 * in the scope's conversations, and the filters asked for (sender, time, keys). PostgreSQL's and
 * MySQL's searches ask them alike (SQLite's pages by the FTS5 rowid instead).
 */
export function searchFilters(
  eb: ExpressionBuilder<{ m: Database['messages'] }, 'm'>,
  search: MessageSearch,
  scope: string[] | null,
): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = [eb('m.deleted_at', 'is', null), eb('m.kind', '<>', 'system')];
  if (scope !== null) all.push(eb('m.conversation_id', 'in', scope));
  if (search.senderId !== undefined) all.push(eb('m.sender_id', '=', search.senderId));
  if (search.after !== undefined) all.push(eb('m.created_at', '>', search.after));
  if (search.before !== undefined) all.push(eb('m.created_at', '<', search.before));
  if (search.below !== undefined) all.push(eb('m.id', '<', search.below));
  if (search.upTo !== undefined) all.push(eb('m.id', '<=', search.upTo));
  if (search.from !== undefined) all.push(eb('m.id', '>=', search.from));
  return eb.and(all);
}

export async function listConversationNames(db: Db, userId: string): Promise<ConversationName[]> {
  const rows = await db
    .selectFrom('members as me')
    .innerJoin('conversations as c', 'c.id', 'me.conversation_id')
    // A direct conversation's other member (none for a group, or a DM whose peer left).
    .leftJoin('members as peer', (join) =>
      join.onRef('peer.conversation_id', '=', 'c.id').onRef('peer.user_id', '<>', 'me.user_id').on('c.kind', '=', 'direct'),
    )
    .leftJoin('users as u', 'u.id', 'peer.user_id')
    .select(['c.id', 'c.kind', 'c.title', 'c.last_activity_at', 'u.username', 'u.display_name'])
    .where('me.user_id', '=', userId)
    .execute();
  return rows.map((r) => ({
    conversationId: r.id,
    kind: r.kind,
    title: r.title,
    lastActivityAt: Number(r.last_activity_at),
    peerUsername: r.username,
    peerDisplayName: r.display_name,
  }));
}
