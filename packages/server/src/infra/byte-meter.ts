import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Bytes kept from the start of a file for telling its type (file-type reads at most 4100 for most kinds). */
export const HEAD_BYTES = 64 * 1024;

/**
 * What an upload's bytes pass through on their way to the blob store: counts them, hashes them
 * (SHA-256), keeps the first HEAD_BYTES for type detection, and fails the stream with
 * `tooLarge()` the moment more than `limit` bytes have come, so the store keeps nothing and the
 * rest of the body is never stored. Nothing else is held: memory does not grow with the file.
 */
export class ByteMeter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private readonly headPieces: Buffer[] = [];
  private headBytes = 0;

  constructor(
    private readonly limit: number,
    private readonly tooLarge: () => Error,
  ) {
    super();
  }

  override _transform(piece: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += piece.length;
    if (this.bytes > this.limit) return done(this.tooLarge());
    this.hash.update(piece);
    if (this.headBytes < HEAD_BYTES) {
      const kept = piece.subarray(0, HEAD_BYTES - this.headBytes);
      this.headPieces.push(Buffer.from(kept));
      this.headBytes += kept.length;
    }
    done(null, piece);
  }

  /** The first bytes (up to HEAD_BYTES). */
  get head(): Buffer {
    return Buffer.concat(this.headPieces);
  }

  /** Hex SHA-256 of everything that passed; call once, at the end. */
  digest(): string {
    return this.hash.digest('hex');
  }
}
