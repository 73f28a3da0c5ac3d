import type { SendMessageBody, Upload, UploadResponse } from '@confab/protocol';
import type { HttpTransport } from './http.js';
import { type UploadOptions, progressTransfer } from './upload-transfer.js';

/** What a send may carry besides its body and clientId: links, and the kind with its files. */
export type SendOptions = Omit<SendMessageBody, 'clientId' | 'body' | 'scheduledAt'>;

/** Uploads a file's ciphertext when `conversationId` is encrypted (answering the upload); undefined for a plain conversation. */
export type EncryptedUploader = (
  conversationId: string,
  file: Blob,
  name: string,
  transfer: Pick<UploadOptions, 'onProgress' | 'signal'>,
) => Promise<Upload | undefined>;

/**
 * Files over REST (issue 11), with `fetch`, `FormData` and `Blob` only, so the same code runs in
 * browsers and on Node (18+, where they are global).
 */
export class FileCalls {
  constructor(
    private readonly http: HttpTransport,
    /** Encrypts and uploads a file for an encrypted conversation; undefined when the conversation is plain. */
    private readonly encryptedUpload?: EncryptedUploader,
  ) {}

  /**
   * Uploads a file as the multipart part `file`. Give a browser `File` (its name is used) or any
   * `Blob` with a `filename` (a string is the filename). The answer's `contentType` is what the
   * server found the bytes to be. `onProgress` reports the bytes sent (see upload-transfer.ts).
   * With the `conversationId` of an encrypted conversation only the ciphertext is uploaded (see UploadOptions).
   */
  async upload(file: Blob, options: string | UploadOptions = {}): Promise<Upload> {
    const { filename, onProgress, signal, conversationId, ...rest } = typeof options === 'string' ? { filename: options } : options;
    const name = filename ?? rest.name ?? ('name' in file && typeof file.name === 'string' ? file.name : 'file');
    if (conversationId !== undefined && this.encryptedUpload) {
      const sealed = await this.encryptedUpload(conversationId, file, name, {
        ...(onProgress ? { onProgress } : {}),
        ...(signal ? { signal } : {}),
      });
      if (sealed) return sealed;
    }
    const path = '/api/v1/uploads';
    if (onProgress) {
      return (await this.http.request<UploadResponse>('POST', path, { transfer: progressTransfer('file', file, name, onProgress), signal }))
        .upload;
    }
    const form = new FormData();
    form.append('file', file, name);
    return (await this.http.request<UploadResponse>('POST', path, { form, signal })).upload;
  }

  /** The file's bytes as a fetch `Response` (`.blob()`, `.arrayBuffer()`, `.body`); `range` asks for bytes `start`–`end` (206). */
  download(uploadId: string, range?: { start: number; end?: number }): Promise<Response> {
    const headers = range === undefined ? undefined : { range: `bytes=${range.start}-${range.end ?? ''}` };
    return this.http.fetchRaw('GET', `/api/v1/uploads/${encodeURIComponent(uploadId)}`, headers);
  }

  /** An image's thumbnail (WebP, at most 320 px on the long side) as a fetch `Response`. */
  thumbnail(uploadId: string): Promise<Response> {
    return this.http.fetchRaw('GET', `/api/v1/uploads/${encodeURIComponent(uploadId)}/thumbnail`);
  }
}
