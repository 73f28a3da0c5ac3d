import type { InviteRecord, InviteStore } from './invite-store.js';
import { AccountSql } from './account-sql.js';
import type { NewUser, UserRecord } from './store.js';
import * as invites from './sql/invites.js';

/** Who may join (store/invite-store.ts), over the accounts side; SqlStore extends it. */
export abstract class AccessSql extends AccountSql implements InviteStore {
  createInvite(invite: InviteRecord, tokenHash: string): Promise<void> {
    return invites.createInvite(this.db, invite, tokenHash);
  }
  getInvite(id: string): Promise<InviteRecord | undefined> {
    return invites.getInvite(this.db, id);
  }
  insertUserWithInvite(user: NewUser, tokenHash: string, now: number): Promise<UserRecord | undefined> {
    return this.unique(() => invites.insertUserWithInvite(this.db, user, tokenHash, now));
  }
}
