import type { SendMessageBody, Upload, UploadResponse } from '@confab/protocol';
import type { HttpTransport } from './http.js';
import { type UploadOptions, progressTransfer } from './upload-transfer.js';

/** What a send may carry besides its body and clientId: links, and the kind with its files. */
export type SendOptions = Omit<SendMessageBody, 'clientId' | 'body' | 'scheduledAt'>;

/**
 * Files over REST (issue 11), with `fetch`, `FormData` and `Blob` only, so the same code runs in
 * browsers and on Node (18+, where they are global).
 */
export class FileCalls {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Uploads a file as the multipart part `file`. Give a browser `File` (its name is used) or any
   * `Blob` with a `filename` (a string is the filename). The answer's `contentType` is what the
   * server found the bytes to be. `onProgress` reports the bytes sent (see upload-transfer.ts).
   */
  async upload(file: Blob, options: string | UploadOptions = {}): Promise<Upload> {
    const { filename, onProgress, signal } = typeof options === 'string' ? { filename: options } : options;
    const name = filename ?? ('name' in file && typeof file.name === 'string' ? file.name : 'file');
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
