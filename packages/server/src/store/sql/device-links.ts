import type { Selectable } from 'kysely';
import type { DeviceLinkMove, DeviceLinkRecord, DeviceLinkState } from '../devices/device-store.js';
import type { Database } from '../schema.js';
import type { Db } from './rows.js';

/** Device link requests (issue 39 part 4): expiring, answered once, taken once. */

const toLink = (row: Selectable<Database['device_links']>): DeviceLinkRecord => ({
  id: row.id,
  userId: row.user_id,
  deviceName: row.device_name,
  publicKey: row.public_key,
  state: row.state as DeviceLinkState,
  sealed: row.sealed,
  approvedBy: row.approved_by,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
});

export async function insertDeviceLink(db: Db, link: DeviceLinkRecord): Promise<void> {
  await db
    .insertInto('device_links')
    .values({
      id: link.id,
      user_id: link.userId,
      device_name: link.deviceName,
      public_key: link.publicKey,
      state: link.state,
      sealed: link.sealed,
      approved_by: link.approvedBy,
      created_at: link.createdAt,
      expires_at: link.expiresAt,
    })
    .execute();
}

export async function getDeviceLink(db: Db, id: string): Promise<DeviceLinkRecord | undefined> {
  const row = await db.selectFrom('device_links').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toLink(row);
}

export async function listPendingDeviceLinks(db: Db, userId: string, now: number): Promise<DeviceLinkRecord[]> {
  const rows = await db
    .selectFrom('device_links')
    .selectAll()
    .where('user_id', '=', userId)
    .where('state', '=', 'pending')
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toLink);
}

export async function moveDeviceLink(db: Db, id: string, from: DeviceLinkState, to: DeviceLinkMove, now: number): Promise<boolean> {
  const result = await db
    .updateTable('device_links')
    .set({ state: to.state, sealed: to.sealed, ...(to.approvedBy === undefined ? {} : { approved_by: to.approvedBy }) })
    .where('id', '=', id)
    .where('state', '=', from)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteExpiredDeviceLinks(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('device_links').where('expires_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
