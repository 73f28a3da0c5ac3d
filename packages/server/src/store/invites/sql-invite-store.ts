import type { SqlContext } from '../sql-context.js';
import type { InviteStore } from './invite-store.js';
import * as invites from '../sql/invites.js';

/** `store.invites` on the SQL engines: each method calls its query in store/sql/invites.ts. */
export function sqlInviteStore({ db, unique }: SqlContext): InviteStore {
  return {
    createInvite: (invite, tokenHash) => invites.createInvite(db, invite, tokenHash),
    getInvite: (id) => invites.getInvite(db, id),
    insertUserWithInvite: (user, tokenHash, now) => unique(() => invites.insertUserWithInvite(db, user, tokenHash, now)),
  };
}
