import type { Readable } from 'node:stream';

/**
 * Where file bytes live (issue 11), behind one interface with a driver per place: local disk
 * (disk-blob-store.ts), the PostgreSQL database (postgres-blob-store.ts) and an S3-compatible
 * bucket (s3-blob-store.ts), chosen by configuration (open-blob-store.ts). Every driver passes
 * blob-store.conformance.ts. Bytes are streamed both ways, never held whole in memory.
 */
export interface BlobStore {
  readonly driver: 'disk' | 'postgres' | 'mysql' | 's3';
  /**
   * Stores what `body` yields under `key`, replacing what was there, once all of it has been
   * read. When `body` fails (the upload was refused half-way), `put` rejects with its error and
   * nothing is kept: what was there before stays.
   */
  put(key: string, body: Readable): Promise<{ size: number }>;
  /** The bytes, or those of `range` (inclusive, within the blob); undefined when there is no such blob. */
  get(key: string, range?: ByteRange): Promise<Readable | undefined>;
  stat(key: string): Promise<{ size: number } | undefined>;
  /** Idempotent: deleting what is not there is no error. */
  delete(key: string): Promise<void>;
  /** Every key it holds, in no promised order (`confab migrate-store` copies them all). */
  keys(): AsyncIterable<string>;
  /**
   * Drivers that keep a blob as a local file say where, so native code (sharp, music-metadata)
   * reads it itself instead of through JavaScript streams; the others leave this out.
   */
  localPath?(key: string): string;
  /** Throws when the store cannot be reached (`GET /readyz`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Bytes `start` to `end`, both included (HTTP's Range arithmetic). */
export interface ByteRange {
  start: number;
  end: number;
}

/** Keys are ids and suffixes of them: no path separators, so no driver can be sent outside its place. */
export const BLOB_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function checkKey(key: string): string {
  if (!BLOB_KEY.test(key)) throw new Error(`not a blob key: ${JSON.stringify(key)}`);
  return key;
}
