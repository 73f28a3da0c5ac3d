import { sql } from 'kysely';
import type { UploadRecord } from '../store.js';
import { type Db, toUpload } from './rows.js';

/** Uploads (store/upload-store.ts): records, the quota's totals, who may read one, and orphans. */

export function insertUpload(db: Db, upload: UploadRecord, quotaBytes: number | null): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // One conditional UPDATE checks and moves the total: concurrent uploads cannot both pass.
    let charge = trx
      .updateTable('users')
      .set((eb) => ({ upload_bytes: eb('upload_bytes', '+', upload.size) }))
      .where('id', '=', upload.ownerId);
    if (quotaBytes !== null) charge = charge.where(sql<boolean>`upload_bytes + ${upload.size} <= ${quotaBytes}`);
    const { numUpdatedRows } = await charge.executeTakeFirst();
    if (Number(numUpdatedRows) === 0) return false;
    await trx
      .insertInto('uploads')
      .values({
        id: upload.id,
        owner_id: upload.ownerId,
        filename: upload.filename,
        content_type: upload.contentType,
        size: upload.size,
        sha256: upload.sha256,
        width: upload.width,
        height: upload.height,
        duration_ms: upload.durationMs,
        blob_key: upload.blobKey,
        thumbnail_key: upload.thumbnailKey,
        created_at: upload.createdAt,
      })
      .execute();
    return true;
  });
}

export async function getUpload(db: Db, id: string): Promise<UploadRecord | undefined> {
  const row = await db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUpload(row);
}

export async function getUploads(db: Db, ids: readonly string[]): Promise<UploadRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('uploads')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(toUpload);
}

export async function uploadBytesUsed(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('users').select('upload_bytes').where('id', '=', userId).executeTakeFirst();
  return Number(row?.upload_bytes ?? 0);
}

export async function readableUpload(db: Db, uploadId: string, userId: string): Promise<UploadRecord | undefined> {
  const row = await db
    .selectFrom('uploads as u')
    .selectAll('u')
    .where('u.id', '=', uploadId)
    .where((eb) =>
      eb.or([
        eb('u.owner_id', '=', userId),
        // Through the links (upload_id, conversation_id) index, then my membership of each.
        eb.exists(
          eb
            .selectFrom('message_attachments as a')
            .innerJoin('members as mb', (join) => join.onRef('mb.conversation_id', '=', 'a.conversation_id').on('mb.user_id', '=', userId))
            .innerJoin('messages as m', 'm.id', 'a.message_id')
            .select('a.message_id')
            .whereRef('a.upload_id', '=', 'u.id')
            .where('m.deleted_at', 'is', null),
        ),
      ]),
    )
    .executeTakeFirst();
  return row && toUpload(row);
}

export async function listOrphanUploads(db: Db, before: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('uploads as u')
    .select('u.id')
    .where('u.created_at', '<', before)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('message_attachments as a').select('a.message_id').whereRef('a.upload_id', '=', 'u.id'))))
    .orderBy('u.created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export async function deleteUnreferencedUploads(db: Db, ids: readonly string[]): Promise<UploadRecord[]> {
  const deleted: UploadRecord[] = [];
  // One short transaction each: a send that links one of them meanwhile holds up only that one.
  for (const id of ids) {
    try {
      const record = await db.transaction().execute(async (trx) => {
        const row = await trx
          .deleteFrom('uploads as u')
          .where('u.id', '=', id)
          .where((eb) =>
            eb.not(eb.exists(eb.selectFrom('message_attachments as a').select('a.message_id').whereRef('a.upload_id', '=', 'u.id'))),
          )
          .returningAll()
          .executeTakeFirst();
        if (!row) return undefined;
        await trx
          .updateTable('users')
          .set((eb) => ({ upload_bytes: eb('upload_bytes', '-', Number(row.size)) }))
          .where('id', '=', row.owner_id)
          .execute();
        return toUpload(row);
      });
      if (record) deleted.push(record);
    } catch (error) {
      // PostgreSQL: a send committed a link to it after this delete's snapshot; the foreign key
      // refuses the delete, and the upload stays, as it must.
      if (!isForeignKeyViolation(error)) throw error;
    }
  }
  return deleted;
}

const isForeignKeyViolation = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  ['23503', 'SQLITE_CONSTRAINT_FOREIGNKEY'].includes(String((error as { code?: unknown }).code));
