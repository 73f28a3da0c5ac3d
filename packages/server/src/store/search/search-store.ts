import type { ConversationName, MessageSearch, SearchHit } from '../store.js';
import type { ReindexProgress } from '../sql/search.js';

export type { ReindexProgress } from '../sql/search.js';

/**
 * `store.search`: message search (docs/search.md), over the engine's full-text index. Its
 * conformance section is beside it (search/*.conformance.ts).
 */
export interface SearchStore {
  /**
   * Messages matching every term (the last as a prefix when `terms.prefix`), that `search.userId`
   * may read, newest first by the engine's key, at most `limit`.
   */
  searchMessages(search: MessageSearch): Promise<SearchHit[]>;
  /** Every conversation of the user, with what it is called: its title, or a direct conversation's other member. */
  listConversationNames(userId: string): Promise<ConversationName[]>;
  /**
   * One step of re-indexing the messages stored before the token index (migration 0024): the
   * next few, newest first, with the job's mark in the same transaction (services/search/reindex-job.ts).
   */
  reindexStep(): Promise<ReindexProgress>;
  /** Messages the re-index job has still to do (0 once it is over). */
  reindexRemaining(): Promise<number>;
}
