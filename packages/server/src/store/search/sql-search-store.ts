import type { SqlContext } from '../sql-context.js';
import type { SearchStore } from './search-store.js';
import { listConversationNames } from '../sql/search.js';

/**
 * `store.search` on the SQL engines: each method calls its query in store/sql/search.ts and the
 * Dialect's SearchIndex.
 */
export function sqlSearchStore({ db, searchIndex }: SqlContext): SearchStore {
  return {
    searchMessages: (search) => searchIndex.findMatches(db, search),
    listConversationNames: (userId) => listConversationNames(db, userId),
    reindexStep: () => searchIndex.reindexBatch(db),
    reindexRemaining: () => searchIndex.reindexRemaining(db),
  };
}
