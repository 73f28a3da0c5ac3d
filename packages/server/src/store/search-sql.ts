import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { UploadSql } from './upload-sql.js';
import type { ConversationName, MessageSearch, SearchHit, SearchStore } from './store.js';
import { type SearchIndex, listConversationNames } from './sql/search.js';

/** The search side of the SQL store (store/search-store.ts), over the engine's SearchIndex; SqlStore extends it (and it the uploads' side). */
export class SearchSql extends UploadSql implements SearchStore {
  constructor(
    db: Kysely<Database>,
    protected readonly searchIndex: SearchIndex,
    skipLocked = false,
  ) {
    super(db, skipLocked);
  }

  searchMessages(search: MessageSearch): Promise<SearchHit[]> {
    return this.searchIndex.findMatches(this.db, search);
  }
  listConversationNames(userId: string): Promise<ConversationName[]> {
    return listConversationNames(this.db, userId);
  }
}
