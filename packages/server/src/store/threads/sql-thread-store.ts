import type { SqlContext } from '../sql-context.js';
import type { ThreadStore } from './thread-store.js';
import * as threads from '../sql/threads.js';

/** `store.threads` on the SQL engines: each method calls its query in store/sql/threads.ts. */
export function sqlThreadStore({ db }: SqlContext): ThreadStore {
  return {
    markRead: (root, userId, seq, announce) => threads.markThreadRead(db, root, userId, seq, announce),
    setFollowing: (root, userId, following, announce) => threads.setThreadFollowing(db, root, userId, following, announce),
    getState: (root, userId) => threads.getThreadState(db, root, userId),
    audience: (root) => threads.threadAudience(db, root),
    list: (conversationId, userId, page) => threads.listThreads(db, conversationId, userId, page),
  };
}
