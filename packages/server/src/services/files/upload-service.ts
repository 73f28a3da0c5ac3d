import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Upload } from '@confab/protocol';
import type { Logger } from 'pino';
import type { BlobStore, ByteRange } from '../../blobs/blob-store.js';
import { AppError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Store, UploadRecord } from '../../store/store.js';
import type { RateLimitService } from '../rate-limits.js';
import { ByteMeter } from '../../infra/byte-meter.js';
import { THUMBNAIL_TYPE, detectContentType, inspect } from '../../infra/file-inspection.js';
import { type RangeRequest, resolveRange } from '../../infra/byte-ranges.js';

export interface UploadLimits {
  maxUploadBytes: number;
  uploadQuotaBytes: number | null;
  uploadOrphanTtlSeconds: number;
}

/** A file to send: what it is, and the bytes (or the asked range of them). */
export interface Download {
  contentType: string;
  filename: string;
  /** The whole file's size. */
  size: number;
  sha256: string;
  /** Set when a Range was asked for and can be served. */
  range: ByteRange | null;
  body: Readable;
}

/** Orphans swept per round (a round repeats while it finds a full batch). */
const SWEEP_BATCH = 500;

/**
 * Uploads (issue 11): streaming a file into the blob store with its size limit and the user's
 * quota, telling what it is from its bytes, serving it to those allowed, and removing files no
 * message carries (the orphan sweep, and a deleted message's). Authorisation lives here: the
 * uploader, or a member of a conversation with a live message carrying the file; everyone else
 * gets 404, as for a file that does not exist.
 */
export class UploadService {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly limits: UploadLimits,
    private readonly rateLimits: RateLimitService,
    private readonly logger?: Logger,
  ) {}

  /**
   * Streams `file` into the blob store, refusing it (413, nothing kept) as soon as it passes
   * MAX_UPLOAD_BYTES or what is left of the user's quota.
   */
  async create(userId: string, input: { filename: string; file: Readable }): Promise<Upload> {
    // Refused before a byte of the file is read: the HTTP layer closes the connection after the
    // answer rather than receive the rest (http/unread-body.ts).
    await this.rateLimits.consume('uploadUser', userId, { userId });
    const quota = this.limits.uploadQuotaBytes;
    const left = quota === null ? Infinity : quota - (await this.store.uploads.uploadBytesUsed(userId));
    if (left <= 0) throw quotaExceeded(quota!);
    const max = this.limits.maxUploadBytes;
    const meter = new ByteMeter(Math.min(max, left), () => (left < max ? quotaExceeded(quota!) : tooLarge(max)));
    const id = newId();
    const piping = pipeline(input.file, meter);
    piping.catch(() => {}); // its error is the put's
    await this.blobs.put(id, meter);
    await piping;
    const detected = await detectContentType(meter.head);
    const found = await this.withLocalFile(id, (file) => inspect(detected, file));
    let thumbnailKey: string | null = null;
    if (found.thumbnail) {
      thumbnailKey = `${id}.thumb`;
      await this.blobs.put(thumbnailKey, Readable.from([found.thumbnail], { objectMode: false }));
    }
    const record: UploadRecord = {
      id,
      ownerId: userId,
      filename: cleanFilename(input.filename),
      contentType: found.contentType,
      size: meter.bytes,
      sha256: meter.digest(),
      width: found.width,
      height: found.height,
      durationMs: found.durationMs,
      blobKey: id,
      thumbnailKey,
      createdAt: Date.now(),
    };
    // The quota is checked again as the record is stored: concurrent uploads cannot both pass it.
    if (!(await this.store.uploads.insertUpload(record, quota))) {
      await this.removeBlobs(record);
      throw quotaExceeded(quota!);
    }
    return uploadView(record);
  }

  /** Runs `use` on a local path of the blob: its own file (disk driver), or a temporary copy removed afterwards. */
  private async withLocalFile<T>(key: string, use: (file: () => Promise<string>) => Promise<T>): Promise<T> {
    if (this.blobs.localPath) {
      const path = this.blobs.localPath(key);
      return use(async () => path);
    }
    let dir: string | undefined;
    try {
      return await use(async () => {
        dir = await mkdtemp(join(tmpdir(), 'confab-upload-'));
        const file = join(dir, 'blob');
        await pipeline((await this.blobs.get(key))!, createWriteStream(file, { mode: 0o600 }));
        return file;
      });
    } finally {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    }
  }

  /** The file's bytes (or the range asked) for a user allowed to read it. */
  async download(userId: string, uploadId: string, range: RangeRequest): Promise<Download> {
    const upload = await this.readable(userId, uploadId);
    const served = resolveRange(range, upload.size);
    const body = await this.blobs.get(upload.blobKey, served ?? undefined);
    if (!body) throw notFound('Upload');
    return { contentType: upload.contentType, filename: upload.filename, size: upload.size, sha256: upload.sha256, range: served, body };
  }

  /** An image's thumbnail (made when it was uploaded); 404 for other kinds. */
  async thumbnail(userId: string, uploadId: string): Promise<Download> {
    const upload = await this.readable(userId, uploadId);
    if (upload.thumbnailKey === null) throw notFound('Thumbnail');
    const [stat, body] = await Promise.all([this.blobs.stat(upload.thumbnailKey), this.blobs.get(upload.thumbnailKey)]);
    if (!stat || !body) throw notFound('Thumbnail');
    const filename = `${upload.filename.replace(/\.[^.]*$/, '')}.webp`;
    return { contentType: THUMBNAIL_TYPE, filename, size: stat.size, sha256: `${upload.sha256}-thumb`, range: null, body };
  }

  private async readable(userId: string, uploadId: string): Promise<UploadRecord> {
    const upload = await this.store.uploads.readableUpload(uploadId, userId);
    if (!upload) throw notFound('Upload');
    return upload;
  }

  /**
   * Removes uploads no message carries, made more than UPLOAD_ORPHAN_TTL_SECONDS before `now`.
   * Every node may run it at once: each upload is deleted by one of them. Answers how many.
   */
  async sweepOrphans(now = Date.now()): Promise<number> {
    const before = now - this.limits.uploadOrphanTtlSeconds * 1000;
    let removed = 0;
    for (;;) {
      const ids = await this.store.uploads.listOrphanUploads(before, SWEEP_BATCH);
      removed += await this.removeUnreferenced(ids);
      if (ids.length < SWEEP_BATCH) return removed;
    }
  }

  /** Removes those of `ids` that no message carries any more (after a delete); the others stay. */
  async release(ids: readonly string[]): Promise<number> {
    return this.removeUnreferenced(ids);
  }

  private async removeUnreferenced(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const deleted = await this.store.uploads.deleteUnreferencedUploads(ids);
    // The records are gone (committed) first: a blob whose delete fails is only space, never a
    // record pointing at nothing.
    await Promise.all(deleted.map((upload) => this.removeBlobs(upload)));
    return deleted.length;
  }

  private async removeBlobs(upload: UploadRecord): Promise<void> {
    for (const key of [upload.blobKey, upload.thumbnailKey]) {
      if (key === null) continue;
      await this.blobs.delete(key).catch((error: unknown) => this.logger?.warn({ err: error, key }, 'could not delete a blob'));
    }
  }
}

export const uploadView = (u: UploadRecord): Upload => ({
  id: u.id,
  filename: u.filename,
  contentType: u.contentType,
  size: u.size,
  sha256: u.sha256,
  width: u.width,
  height: u.height,
  durationMs: u.durationMs,
  createdAt: new Date(u.createdAt).toISOString(),
});

const tooLarge = (max: number) =>
  new AppError('payload_too_large', `The file is larger than ${max} bytes (MAX_UPLOAD_BYTES)`, [
    { path: '/file', message: `must be at most ${max} bytes`, params: { limit: max } },
  ]);

const quotaExceeded = (quota: number) =>
  new AppError('payload_too_large', `Upload quota exceeded: your files may take ${quota} bytes in all (UPLOAD_QUOTA_BYTES)`, [
    { path: '/file', message: `your uploads would pass your quota of ${quota} bytes`, params: { quota } },
  ]);

/** The client's file name, for display: its last path segment, one line of well-formed text, at most 255 characters. */
export function cleanFilename(name: string): string {
  const base = (name.split(/[/\\]/).pop() ?? '').replace(/[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu, '').trim();
  const cut = Array.from(base.toWellFormed()).slice(0, 255).join('');
  return cut === '' || cut === '.' || cut === '..' ? 'file' : cut;
}
