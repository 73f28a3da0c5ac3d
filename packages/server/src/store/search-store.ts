import type { ConversationName, MessageSearch, SearchHit } from './records.js';

/** The Store's search side (docs/search.md), declared apart like people-store.ts; SqlStore implements it through store/search-sql.ts. */
export interface SearchStore {
  /**
   * Messages matching every term (the last as a prefix when `terms.prefix`), that `search.userId`
   * may read, newest first by the engine's key, at most `limit`.
   */
  searchMessages(search: MessageSearch): Promise<SearchHit[]>;
  /** Every conversation of the user, with what it is called: its title, or a direct conversation's other member. */
  listConversationNames(userId: string): Promise<ConversationName[]>;
}
