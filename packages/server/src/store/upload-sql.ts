import type { UploadRecord } from './records.js';
import { PeopleSql } from './people-sql.js';
import type { UploadStore } from './upload-store.js';
import * as uploads from './sql/uploads.js';

/** The files side of the SQL store (store/upload-store.ts), which SqlStore extends: one delegation per method. */
export class UploadSql extends PeopleSql implements UploadStore {
  insertUpload(upload: UploadRecord, quotaBytes: number | null): Promise<boolean> {
    return uploads.insertUpload(this.db, upload, quotaBytes);
  }
  getUpload(id: string): Promise<UploadRecord | undefined> {
    return uploads.getUpload(this.db, id);
  }
  getUploads(ids: readonly string[]): Promise<UploadRecord[]> {
    return uploads.getUploads(this.db, ids);
  }
  uploadBytesUsed(userId: string): Promise<number> {
    return uploads.uploadBytesUsed(this.db, userId);
  }
  readableUpload(uploadId: string, userId: string): Promise<UploadRecord | undefined> {
    return uploads.readableUpload(this.db, uploadId, userId);
  }
  listOrphanUploads(before: number, limit: number): Promise<string[]> {
    return uploads.listOrphanUploads(this.db, before, limit);
  }
  deleteUnreferencedUploads(ids: readonly string[]): Promise<UploadRecord[]> {
    return uploads.deleteUnreferencedUploads(this.db, ids);
  }
}
