import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { InviteRecord, InviteStore } from './invite-store.js';
import { PeopleSql } from './people-sql.js';
import { type NewUser, UniqueViolation, type UserRecord } from './store.js';
import * as invites from './sql/invites.js';

/** Who may join (store/invite-store.ts), over the people side; SqlStore extends it. */
export class AccessSql extends PeopleSql implements InviteStore {
  constructor(
    db: Kysely<Database>,
    /** The engine's reading of a unique violation (its constraint), as SqlStore's. */
    private readonly constraintOf: (error: unknown) => string | undefined,
  ) {
    super(db);
  }

  createInvite(invite: InviteRecord, tokenHash: string): Promise<void> {
    return invites.createInvite(this.db, invite, tokenHash);
  }
  getInvite(id: string): Promise<InviteRecord | undefined> {
    return invites.getInvite(this.db, id);
  }
  async insertUserWithInvite(user: NewUser, tokenHash: string, now: number): Promise<UserRecord | undefined> {
    try {
      return await invites.insertUserWithInvite(this.db, user, tokenHash, now);
    } catch (error) {
      const constraint = this.constraintOf(error);
      if (constraint !== undefined) throw new UniqueViolation(constraint, error);
      throw error;
    }
  }
}
