import type { ByteRange } from '../blobs/blob-store.js';
import { AppError } from '../errors.js';

/** A `Range` header as the client sent it (undefined: none). */
export type RangeRequest = string | undefined;

/**
 * The one byte range a `Range: bytes=…` header asks of a file of `size` bytes (RFC 9110 §14.1.2),
 * or null to serve the whole file: no header, another unit, or several ranges (allowed: a server
 * may ignore Range; one range is what players and resumable downloads ask). A range that starts
 * past the end is 416.
 */
export function resolveRange(header: RangeRequest, size: number): ByteRange | null {
  if (header === undefined) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return null;
  const [first, last] = [match[1]!, match[2]!];
  if (first === '') {
    // The last N bytes.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw unsatisfiable(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return null; // invalid: ignored, as RFC 9110 says
  if (start >= size) throw unsatisfiable(size);
  return { start, end };
}

/** 416: the route adds `Content-Range: bytes *\/size` from the params. */
const unsatisfiable = (size: number) =>
  new AppError('range_not_satisfiable', `The range starts past the end of the file (${size} bytes)`, [
    { path: '/headers/range', message: `must start below ${size}`, params: { size } },
  ]);
