import type { Selectable } from 'kysely';
import type { DeviceRecord, IdentityRecord } from '../devices/device-store.js';
import type { Database } from '../schema.js';
import { rowLocks } from '../stream-locks.js';
import type { Db } from './rows.js';

/** Devices and identity keys (issue 39): what each user's devices publish, kept as sent. */

const toDevice = (row: Selectable<Database['devices']>): DeviceRecord => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  signatureKey: row.signature_key,
  credential: row.credential,
  createdAt: Number(row.created_at),
  lastSeenAt: Number(row.last_seen_at),
  revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  ...(row.revoked_pos === null ? {} : { revokedPos: Number(row.revoked_pos) }),
});

export async function insertDevice(db: Db, d: DeviceRecord): Promise<{ created: boolean; device: DeviceRecord }> {
  const result = await db
    .insertInto('devices')
    .values({
      id: d.id,
      user_id: d.userId,
      name: d.name,
      signature_key: d.signatureKey,
      credential: d.credential,
      created_at: d.createdAt,
      last_seen_at: d.lastSeenAt,
      revoked_at: d.revokedAt,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 1) return { created: true, device: d };
  return { created: false, device: (await getDevice(db, d.id))! };
}

export async function getDevice(db: Db, id: string): Promise<DeviceRecord | undefined> {
  const row = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toDevice(row);
}

export async function listActiveDevices(db: Db, userId: string): Promise<DeviceRecord[]> {
  const rows = await db
    .selectFrom('devices')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toDevice);
}

export async function listActiveDevicesOf(db: Db, userIds: readonly string[]): Promise<DeviceRecord[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom('devices')
    .selectAll()
    .where('user_id', 'in', [...userIds])
    .where('revoked_at', 'is', null)
    .orderBy('user_id')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toDevice);
}

export async function listRevokedDevicesOf(db: Db, userIds: readonly string[], limit: number): Promise<DeviceRecord[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom('devices')
    .selectAll()
    .where('user_id', 'in', [...userIds])
    .where('revoked_at', 'is not', null)
    .orderBy('user_id')
    .orderBy('revoked_at', 'desc')
    .orderBy('id')
    .execute();
  // The newest `limit` of each user (a user revokes few devices; the cut is here, not in SQL, to stay one portable query).
  const kept = new Map<string, number>();
  return rows.map(toDevice).filter((d) => {
    const n = kept.get(d.userId) ?? 0;
    kept.set(d.userId, n + 1);
    return n < limit;
  });
}

/**
 * Revokes the device at `clock()` and at the event log's head, both read only once its row is
 * locked (SQLite: the transaction's write lock): every MLS message numbered before holds a shared
 * lock on that row until it commits (`sql/sending-devices.ts`), so it has committed, its position
 * at or below the head read here (READ COMMITTED: each statement sees what committed before it)
 * and its time not after this clock; messages numbered after see the revocation and are refused.
 * The head is read, not taken: a revocation logs no event and never queues on the head's lock.
 */
export function revokeDevice(db: Db, userId: string, deviceId: string, clock: () => number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    let locking = trx
      .selectFrom('devices')
      .select('id')
      .where('id', '=', deviceId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (rowLocks(trx)) locking = locking.forUpdate();
    if (!(await locking.executeTakeFirst())) return false;
    const head = await trx.selectFrom('stream_head').select('pos').where('id', '=', 1).executeTakeFirstOrThrow();
    await trx
      .updateTable('devices')
      .set({ revoked_at: clock(), revoked_pos: Number(head.pos) })
      .where('id', '=', deviceId)
      .execute();
    // A revoked device's packages must never be claimed: nobody may add it to a group again.
    await trx.deleteFrom('key_packages').where('device_id', '=', deviceId).execute();
    return true;
  });
}

export async function touchDevice(db: Db, deviceId: string, now: number): Promise<void> {
  await db.updateTable('devices').set({ last_seen_at: now }).where('id', '=', deviceId).where('last_seen_at', '<', now).execute();
}

const toIdentity = (row: Selectable<Database['identity_keys']>): IdentityRecord => ({
  userId: row.user_id,
  identityKey: row.identity_key,
  deviceList: row.device_list,
  signature: row.signature,
  version: Number(row.version),
  updatedAt: Number(row.updated_at),
});

export async function getIdentity(db: Db, userId: string): Promise<IdentityRecord | undefined> {
  const row = await db.selectFrom('identity_keys').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row && toIdentity(row);
}

export async function getIdentities(db: Db, userIds: readonly string[]): Promise<IdentityRecord[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom('identity_keys')
    .selectAll()
    .where('user_id', 'in', [...userIds])
    .execute();
  return rows.map(toIdentity);
}

/**
 * Insert, or update where the stored version is older: the version check is in the UPDATE's
 * WHERE, so of two concurrent puts the newer list wins whatever order they commit in.
 */
export async function putIdentity(db: Db, identity: IdentityRecord): Promise<boolean> {
  const values = {
    identity_key: identity.identityKey,
    device_list: identity.deviceList,
    signature: identity.signature,
    version: identity.version,
    updated_at: identity.updatedAt,
  };
  const inserted = await db
    .insertInto('identity_keys')
    .values({ user_id: identity.userId, ...values })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return true;
  const updated = await db
    .updateTable('identity_keys')
    .set(values)
    .where('user_id', '=', identity.userId)
    .where('version', '<', identity.version)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
