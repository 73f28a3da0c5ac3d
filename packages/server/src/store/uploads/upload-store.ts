import type { UploadRecord } from '../store.js';

/**
 * `store.uploads`: files (issue 11): each upload's record (its bytes are in the blob store,
 * blobs/), quotas, who may read one, and orphans. A message's links to its uploads are written by
 * its append and removed by its delete (`store.messages`). Its conformance section is beside it
 * (uploads/*.conformance.ts).
 */
export interface UploadStore {
  /**
   * Stores the record and adds its size to its owner's total, unless the total would pass
   * `quotaBytes` (null: no limit): then nothing is stored and the answer is false.
   */
  insertUpload(upload: UploadRecord, quotaBytes: number | null): Promise<boolean>;
  getUpload(id: string): Promise<UploadRecord | undefined>;
  /** Those of `ids` that exist, in no particular order. */
  getUploads(ids: readonly string[]): Promise<UploadRecord[]>;
  /** Bytes of the user's uploads (the quota's total). */
  uploadBytesUsed(userId: string): Promise<number>;
  /**
   * The upload when `userId` may read it: its owner, or a member of a conversation with a live
   * (not deleted) message that carries it. Undefined otherwise, as for one that does not exist.
   */
  readableUpload(uploadId: string, userId: string): Promise<UploadRecord | undefined>;
  /** Uploads no message carries, made before `before` (epoch ms), oldest first: the orphan sweep's candidates. */
  listOrphanUploads(before: number, limit: number): Promise<string[]>;
  /**
   * Deletes those of `ids` that no message carries (a message may have taken one since it was
   * listed: it stays), taking their sizes off their owners' totals; answers the deleted records,
   * whose blobs the caller removes. Safe to run on several nodes at once: each record is
   * answered to one caller only.
   */
  deleteUnreferencedUploads(ids: readonly string[]): Promise<UploadRecord[]>;
}
