import type { SqlContext } from '../sql-context.js';
import type { UploadStore } from './upload-store.js';
import * as uploads from '../sql/uploads.js';

/** `store.uploads` on the SQL engines: each method calls its query in store/sql/uploads.ts. */
export function sqlUploadStore({ db }: SqlContext): UploadStore {
  return {
    insertUpload: (upload, quotaBytes) => uploads.insertUpload(db, upload, quotaBytes),
    getUpload: (id) => uploads.getUpload(db, id),
    getUploads: (ids) => uploads.getUploads(db, ids),
    uploadBytesUsed: (userId) => uploads.uploadBytesUsed(db, userId),
    readableUpload: (uploadId, userId) => uploads.readableUpload(db, uploadId, userId),
    listOrphanUploads: (before, limit) => uploads.listOrphanUploads(db, before, limit),
    deleteUnreferencedUploads: (ids) => uploads.deleteUnreferencedUploads(db, ids),
  };
}
