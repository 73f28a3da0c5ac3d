import type { InviteRecord } from '../invites/invite-store.js';
import type { NewUser, UserRecord } from '../store.js';
import type { Db } from './rows.js';
import { insertUser } from './users.js';

/** Invites (REGISTRATION=invite): made by admins, spent once, in the sign-up's transaction. */

export async function createInvite(db: Db, invite: InviteRecord, tokenHash: string): Promise<void> {
  await db
    .insertInto('invites')
    .values({
      id: invite.id,
      token_hash: tokenHash,
      created_by: invite.createdBy,
      created_at: invite.createdAt,
      expires_at: invite.expiresAt,
      used_at: invite.usedAt,
      used_by: invite.usedBy,
    })
    .execute();
}

export async function getInvite(db: Db, id: string): Promise<InviteRecord | undefined> {
  const row = await db.selectFrom('invites').selectAll().where('id', '=', id).executeTakeFirst();
  return (
    row && {
      id: row.id,
      createdBy: row.created_by,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      usedAt: row.used_at === null ? null : Number(row.used_at),
      usedBy: row.used_by,
    }
  );
}

export function insertUserWithInvite(db: Db, user: NewUser, tokenHash: string, now: number): Promise<UserRecord | undefined> {
  return db
    .transaction()
    .execute(async (trx) => {
      // The user first (the invite names it); a taken username throws and rolls the whole back.
      const inserted = await insertUser(trx, user);
      // A compare-and-set: of two sign-ups racing for one invite, one updates the row, the other none.
      const spent = await trx
        .updateTable('invites')
        .set({ used_at: now, used_by: user.id })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) throw new NoInvite();
      return inserted;
    })
    .catch((error: unknown) => {
      if (error instanceof NoInvite) return undefined;
      throw error;
    });
}

/** Rolls the sign-up back when there was no usable invite. */
class NoInvite extends Error {}
