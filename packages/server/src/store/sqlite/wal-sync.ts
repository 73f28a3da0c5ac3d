import { type FileHandle, open } from 'node:fs/promises';

/**
 * Makes the write-ahead log durable with `fdatasync` on libuv's thread pool, so the event loop
 * keeps serving while the disk flushes. The store runs SQLite at `synchronous=NORMAL`, where a
 * commit writes its frames to the log but does not flush it, and waits for `sync()` before it
 * reports any write: together that is `synchronous=FULL`'s promise (a reported commit is on disk)
 * without blocking every socket for the flush.
 *
 * Flushes are shared: a caller arriving while one runs waits for the next, which starts when the
 * running one ends (its own frames may have reached the file after that one began), and everyone
 * arriving meanwhile shares it. So a burst of commits costs at most two flushes.
 */
export class WalSync {
  private handle: Promise<FileHandle> | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly walFile: string,
    /** The flush itself; the tests hold it to watch who waits. */
    private readonly flush: (handle: FileHandle) => Promise<void> = (handle) => handle.datasync(),
  ) {}

  /** Resolves once everything written to the log before this call is on disk. */
  sync(): Promise<void> {
    if (this.running === undefined) {
      this.running = this.flushOnce().finally(() => (this.running = undefined));
      return this.running;
    }
    this.next ??= this.running.then(
      () => this.startNext(),
      () => this.startNext(),
    );
    return this.next;
  }

  /** Waits for the flushes under way, then closes the log's descriptor. */
  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.next]);
    const handle = await this.handle?.catch(() => undefined);
    this.handle = undefined;
    await handle?.close();
  }

  private startNext(): Promise<void> {
    this.next = undefined;
    return this.sync();
  }

  private async flushOnce(): Promise<void> {
    // Opened on first use: SQLite creates the log with the first write. Any descriptor of the file
    // flushes all of its written pages; SQLite never swaps the file while the database is open
    // (a checkpoint truncates or rewrites it in place).
    this.handle ??= open(this.walFile, 'r');
    const handle = await this.handle.catch((error: unknown) => {
      this.handle = undefined;
      throw error;
    });
    await this.flush(handle);
  }
}
