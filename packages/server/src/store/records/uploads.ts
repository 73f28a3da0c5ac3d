/** Uploads, and what a message shows of one it carries. Timestamps are epoch ms. */

/** What a message shows of an upload it carries (uploads never change, so it is kept on the message row). */
export interface AttachmentRecord {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
}

export interface UploadRecord extends AttachmentRecord {
  ownerId: string;
  sha256: string;
  /** Where its bytes are in the blob store. */
  blobKey: string;
  /** Images: where the thumbnail is in the blob store. */
  thumbnailKey: string | null;
  createdAt: number;
}
