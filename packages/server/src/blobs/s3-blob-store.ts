import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Settings } from '../blob-config.js';
import { BLOB_KEY, type BlobStore, type ByteRange, checkKey } from './blob-store.js';
import { BlobStoreUnavailable } from './blob-unavailable.js';

/** S3's smallest multipart part; two in flight bound a put's memory to about 10 MiB whatever the file's size. */
const PART_BYTES = 5 * 1024 * 1024;

/**
 * Blobs in an S3-compatible bucket. A put is a streamed multipart upload (`@aws-sdk/lib-storage`):
 * parts go out as the body arrives, and a body that fails aborts the upload, so nothing is kept
 * (S3 shows an object only once its upload completes).
 */
export class S3BlobStore implements BlobStore {
  readonly driver = 's3';
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      ...(settings.endpoint === null ? {} : { endpoint: settings.endpoint }),
      ...(settings.credentials === null ? {} : { credentials: settings.credentials }),
      // Checksums only where S3 requires them: many S3-compatible servers do not understand the
      // SDK's default trailing-checksum (aws-chunked) uploads and would store the framing.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Readable): Promise<{ size: number }> {
    let size = 0;
    const counted = new Transform({
      transform(piece: Buffer, _encoding, done) {
        size += piece.length;
        done(null, piece);
      },
    });
    // A body that fails destroys `counted` with its error, which lib-storage's read re-throws.
    pipeline(body, counted).catch(() => {});
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.settings.bucket, Key: checkKey(key), Body: counted },
      partSize: PART_BYTES,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const failed = new Promise<never>((_, reject) => counted.once('error', reject));
    try {
      await Promise.race([upload.done().catch(asUnavailable), failed]);
    } catch (error) {
      await upload.abort().catch(() => {});
      body.destroy();
      throw error;
    }
    return { size };
  }

  async get(key: string, range?: ByteRange): Promise<Readable | undefined> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({
          Bucket: this.settings.bucket,
          Key: checkKey(key),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      const body = object.Body as Readable;
      if (!range) return body;
      // A server may answer more than the range asked (HTTP allows ignoring Range; s3rver answers
      // `bytes=0-0` with the whole object): then the range is cut out of what came.
      const answered = /^bytes (\d+)-(\d+)\//.exec(object.ContentRange ?? '');
      const exact = answered !== null && Number(answered[1]) === range.start && Number(answered[2]) === range.end;
      return exact ? body : body.pipe(byteSlice(range, answered === null ? 0 : Number(answered[1])));
    } catch (error) {
      if (error instanceof NoSuchKey || error instanceof NotFound) return undefined;
      return asUnavailable(error);
    }
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: checkKey(key) }));
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
      return asUnavailable(error);
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: checkKey(key) })).catch(asUnavailable);
  }

  async *keys(): AsyncIterable<string> {
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.settings.bucket })) {
      for (const object of page.Contents ?? []) if (object.Key !== undefined && BLOB_KEY.test(object.Key)) yield object.Key;
    }
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket })).catch(asUnavailable);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/**
 * The one place S3 errors are sorted: the endpoint unreachable (no connection, reset, timed out:
 * errors without an HTTP answer) or failing on its side (5xx) is an outage, 503 `unavailable`;
 * anything else (a 4xx: credentials, a missing bucket) is a fault of the set-up and stays a 500.
 */
function asUnavailable(error: unknown): never {
  const e = error as { $metadata?: { httpStatusCode?: number }; code?: string; name?: string } | null;
  const status = e?.$metadata?.httpStatusCode;
  const unanswered = status === undefined && (NETWORK_ERRORS.has(e?.code ?? '') || e?.name === 'TimeoutError');
  if (unanswered || (status !== undefined && status >= 500)) throw new BlobStoreUnavailable(error);
  throw error;
}
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Passes on only bytes `range.start` to `range.end` of what flows through, which begins at byte `offset`. */
function byteSlice(range: ByteRange, offset: number): Transform {
  let at = offset;
  return new Transform({
    transform(piece: Buffer, _encoding, done) {
      const from = Math.max(0, range.start - at);
      const to = Math.min(piece.length, range.end + 1 - at);
      at += piece.length;
      done(null, to > from ? piece.subarray(from, to) : undefined);
    },
  });
}
