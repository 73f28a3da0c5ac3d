import type { Upload } from '@confab/protocol';
import type { FileCalls } from '../files.js';
import type { UploadOptions } from '../upload-transfer.js';
import { uploadOneEncrypted } from './encrypted-files.js';
import { EncryptionError } from './encryption-error.js';
import type { EncryptedFileRef } from './file-crypto.js';

/**
 * Files uploaded with `client.upload(blob, { conversationId })` into an encrypted conversation:
 * the ciphertext went to the server, and what reads it (key, IV, hash, name, type, size) is kept
 * here under the upload id until a send names it in `attachmentIds`. In memory only: a client
 * made again (a reload) no longer has them, and such a send is refused, never sent readable.
 */
export class EncryptedUploads {
  private readonly refs = new Map<string, EncryptedFileRef>();

  /** Encrypts `file`, uploads the ciphertext and keeps its ref: answers the upload (of the ciphertext). */
  async upload(files: FileCalls, file: Blob, name: string, transfer: Pick<UploadOptions, 'onProgress' | 'signal'>): Promise<Upload> {
    const { upload, ref } = await uploadOneEncrypted(files, { data: file, name, type: file.type }, transfer);
    this.refs.set(upload.id, ref);
    return upload;
  }

  /** The refs of these uploads, in order; `unknown_attachment` naming those this client holds no key for. */
  refsOf(uploadIds: readonly string[]): EncryptedFileRef[] {
    const missing = uploadIds.filter((id) => !this.refs.has(id));
    if (missing.length > 0)
      throw new EncryptionError(
        'unknown_attachment',
        `No key on this client for attachment ${missing.join(', ')}: upload it with client.upload(file, { conversationId }) on this client, or send it with sendEncryptedFiles`,
      );
    return uploadIds.map((id) => this.refs.get(id)!);
  }
}
