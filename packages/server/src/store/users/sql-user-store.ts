import type { SqlContext } from '../sql-context.js';
import type { UserStore } from './user-store.js';
import * as users from '../sql/users.js';

/** `store.users` on the SQL engines: each method calls its query in store/sql/users.ts. */
export function sqlUserStore({ db, unique }: SqlContext): UserStore {
  return {
    insertUser: (user) => unique(() => users.insertUser(db, user)),
    getUser: (id) => users.getUser(db, id),
    getUserByUsername: (username) => users.getUserByUsername(db, username),
    getUsers: (ids) => users.getUsers(db, ids),
    searchUsers: (query) => users.searchUsers(db, query),
    updateUser: (id, patch) => users.updateUser(db, id, patch),
    setLastSeen: (entries) => users.setLastSeen(db, entries),
  };
}
