import type { RawBuilder } from 'kysely';
import type { ConversationName, MessageSearch, SearchHit } from '../store.js';
import type { Db } from './rows.js';

/**
 * What an engine contributes to search: how a message's body is indexed, and how matches are
 * found. SQLite's FTS5 index is kept by triggers (store/sqlite/sqlite-search.ts); PostgreSQL's
 * tsvector column is written with the row (store/postgres/postgres-search.ts). Either way the
 * index changes in the transaction that changes the body: a send, an edit, a delete.
 */
export interface SearchIndex {
  /**
   * Columns stored with a row whose body is `body`, on insert and whenever the body changes: its
   * prepared tokens (store/search-tokens.ts), as the engine indexes them.
   */
  indexColumns(body: string): { search_vector?: RawBuilder<string>; search_tokens?: string };
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
