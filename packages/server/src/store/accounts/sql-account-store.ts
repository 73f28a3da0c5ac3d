import type { SqlContext } from '../sql-context.js';
import type { AccountStore } from './account-store.js';
import * as accounts from '../sql/accounts.js';

/** `store.accounts` on the SQL engines: each method calls its query in store/sql/accounts.ts. */
export function sqlAccountStore({ db, unique }: SqlContext): AccountStore {
  return {
    getUserByEmail: (email) => accounts.getUserByEmail(db, email),
    setEmail: (userId, email) => unique(() => accounts.setEmail(db, userId, email)),
    markEmailVerified: (userId, email, at) => unique(() => accounts.markEmailVerified(db, userId, email, at)),
    setPasswordHash: (userId, passwordHash) => accounts.setPasswordHash(db, userId, passwordHash),
    eraseUser: (userId, at) => accounts.eraseUser(db, userId, at),
    releaseUsername: (key, erasedBefore) => accounts.releaseUsername(db, key, erasedBefore),
    createAccountToken: (token) => accounts.createAccountToken(db, token),
    consumeAccountToken: (tokenHash, purpose, now) => accounts.consumeAccountToken(db, tokenHash, purpose, now),
    spendAccountTokens: (userId, purpose, now) => accounts.spendAccountTokens(db, userId, purpose, now),
    listMessagesBySender: (userId, page) => accounts.listMessagesBySender(db, userId, page),
    listMemberships: (userId) => accounts.listMemberships(db, userId),
  };
}
