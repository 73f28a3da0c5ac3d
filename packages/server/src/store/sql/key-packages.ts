import type { Selectable } from 'kysely';
import type { KeyPackageRecord, KeyPackageUpload, KeyPackagesAdded } from '../devices/device-store.js';
import type { Database } from '../schema.js';
import type { Db } from './rows.js';

/** Each device's pool of single-use MLS KeyPackages and its one last-resort package (issue 39). */

const toKeyPackage = (row: Selectable<Database['key_packages']>): KeyPackageRecord => ({
  id: row.id,
  deviceId: row.device_id,
  ref: row.ref,
  data: row.data,
  lastResort: Number(row.last_resort) === 1,
  createdAt: Number(row.created_at),
});

export function addKeyPackages(
  db: Db,
  deviceId: string,
  upload: KeyPackageUpload,
  maxPool: number,
): Promise<KeyPackagesAdded | { refused: 'pool_full'; available: number }> {
  return db.transaction().execute(async (trx) => {
    const before = await available(trx, deviceId);
    const known = upload.packages.length
      ? new Set(
          (
            await trx
              .selectFrom('key_packages')
              .select('ref')
              .where('device_id', '=', deviceId)
              .where(
                'ref',
                'in',
                upload.packages.map((p) => p.ref),
              )
              .execute()
          ).map((r) => r.ref),
        )
      : new Set<string>();
    const fresh = [...new Map(upload.packages.filter((p) => !known.has(p.ref)).map((p) => [p.ref, p])).values()];
    // A cap against abuse, not an exact count: two uploads racing may pass it by one batch.
    if (before + fresh.length > maxPool) return { refused: 'pool_full' as const, available: before };
    if (fresh.length) {
      await trx
        .insertInto('key_packages')
        .values(fresh.map((p) => ({ id: p.id, device_id: deviceId, ref: p.ref, data: p.data, last_resort: 0, created_at: p.createdAt })))
        .onConflict((oc) => oc.columns(['device_id', 'ref']).doNothing())
        .execute();
    }
    if (upload.lastResort) {
      const p = upload.lastResort;
      await trx
        .deleteFrom('key_packages')
        .where('device_id', '=', deviceId)
        .where('last_resort', '=', 1)
        .where('ref', '<>', p.ref)
        .execute();
      await trx
        .insertInto('key_packages')
        .values({ id: p.id, device_id: deviceId, ref: p.ref, data: p.data, last_resort: 1, created_at: p.createdAt })
        .onConflict((oc) => oc.columns(['device_id', 'ref']).doNothing())
        .execute();
    }
    const after = await available(trx, deviceId);
    const lastResort = await trx
      .selectFrom('key_packages')
      .select('id')
      .where('device_id', '=', deviceId)
      .where('last_resort', '=', 1)
      .executeTakeFirst();
    return { stored: after - before, available: after, lastResort: lastResort !== undefined };
  });
}

async function available(db: Db, deviceId: string): Promise<number> {
  const row = await db
    .selectFrom('key_packages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('device_id', '=', deviceId)
    .where('last_resort', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Each package is taken by deleting its row by id: of two claims that picked the same oldest
 * package, exactly one deletes it (affected rows 1) and the other moves on to the next. No lock
 * is held between the read and the delete, so this works alike on the three engines.
 */
export async function claimKeyPackages(db: Db, userId: string): Promise<KeyPackageRecord[]> {
  const devices = await db
    .selectFrom('devices')
    .select('id')
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const claimed: KeyPackageRecord[] = [];
  for (const { id: deviceId } of devices) {
    const taken = await claimOne(db, deviceId);
    if (taken) claimed.push(taken);
  }
  return claimed;
}

async function claimOne(db: Db, deviceId: string): Promise<KeyPackageRecord | undefined> {
  for (;;) {
    const candidates = await db
      .selectFrom('key_packages')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('last_resort', '=', 0)
      .orderBy('created_at')
      .orderBy('id')
      .limit(4)
      .execute();
    if (candidates.length === 0) break;
    for (const row of candidates) {
      const result = await db.deleteFrom('key_packages').where('id', '=', row.id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 1) return toKeyPackage(row);
    }
    // Every candidate was taken by concurrent claims: read the pool again.
  }
  const lastResort = await db
    .selectFrom('key_packages')
    .selectAll()
    .where('device_id', '=', deviceId)
    .where('last_resort', '=', 1)
    .executeTakeFirst();
  return lastResort && toKeyPackage(lastResort);
}
