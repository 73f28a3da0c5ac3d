import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BLOB_KEY, type BlobStore, type ByteRange, checkKey } from './blob-store.js';

/**
 * Blobs as files under `root` (DATA_DIR/blobs), spread over 256 directories by the key's last two
 * characters (UUIDv7 ids begin with the time, end at random). A put writes a temporary file in
 * `root/tmp`, syncs it and renames it into place: a reader sees the old file or the whole new one,
 * and a failed put leaves nothing.
 */
export class DiskBlobStore implements BlobStore {
  readonly driver = 'disk';
  private readonly tmp: string;

  constructor(private readonly root: string) {
    this.tmp = path.join(root, 'tmp');
  }

  private file(key: string): string {
    checkKey(key);
    return path.join(this.root, key.slice(-2).toLowerCase(), key);
  }

  localPath(key: string): string {
    return this.file(key);
  }

  async put(key: string, body: Readable): Promise<{ size: number }> {
    const target = this.file(key);
    await mkdir(this.tmp, { recursive: true, mode: 0o700 });
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const temporary = path.join(this.tmp, `${randomUUID()}.part`);
    try {
      await pipeline(body, syncedFile(await open(temporary, 'wx', 0o600)));
      await rename(temporary, target);
    } catch (error) {
      body.destroy();
      await rm(temporary, { force: true });
      throw error;
    }
    return { size: (await stat(target)).size };
  }

  async get(key: string, range?: ByteRange): Promise<Readable | undefined> {
    const file = this.file(key);
    // Open first: a missing file is "no such blob", not a stream that fails later.
    const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!handle) return undefined;
    return createReadStream('', { fd: handle, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    try {
      return { size: (await stat(this.file(key))).size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  async *keys(): AsyncIterable<string> {
    // root/<last two characters>/<key>; root/tmp holds puts under way, which are not blobs yet.
    const shards = await readdir(this.root, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const shard of shards) {
      if (!shard.isDirectory() || shard.name === 'tmp') continue;
      for (const entry of await readdir(path.join(this.root, shard.name), { withFileTypes: true })) {
        if (entry.isFile() && BLOB_KEY.test(entry.name)) yield entry.name;
      }
    }
  }

  async ping(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
  }

  async close(): Promise<void> {}
}

/** Bytes written between two syncs of a file being put. */
const SYNC_EVERY_BYTES = 4 * 1024 * 1024;

/**
 * A file written and made durable a few MiB at a time (each write and sync on libuv's thread
 * pool). One sync at the end would leave tens of MiB dirty, and on ext4 (data=ordered) the
 * database's next commit — the message path's fsync — waits while the journal flushes them all:
 * measured as delivery stalls while 25 MiB files were uploaded. Closes the handle either way.
 */
function syncedFile(handle: FileHandle): Writable {
  let unsynced = 0;
  return new Writable({
    // Pieces that arrived while a write was out go in one write.
    async writev(pieces, done) {
      try {
        const all = Buffer.concat(pieces.map((p) => p.chunk as Buffer));
        // A short write (a full disk, say) goes on from where it stopped, or fails.
        for (let at = 0; at < all.length;) at += (await handle.write(all, at)).bytesWritten;
        unsynced += all.length;
        if (unsynced >= SYNC_EVERY_BYTES) {
          unsynced = 0;
          await handle.datasync();
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    async final(done) {
      try {
        await handle.sync();
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    async destroy(error, done) {
      await handle.close().catch(() => {});
      done(error);
    },
  });
}
