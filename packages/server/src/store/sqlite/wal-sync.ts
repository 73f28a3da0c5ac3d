import { fdatasyncSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

/**
 * A flush slower than this sends the flushes back to the pool (the disk is busy or slow). Set
 * above a healthy disk's tail, not its median: on the 2-core AMD host a one-message commit's flush
 * on the loop took p50 0.3–0.5 ms, p99 1.1–2.5 ms, p99.9 4.5–7 ms (2026-11-28), so at 1 ms the
 * 1–3 % over it sent 16–50 % of a lone sender's flushes to the pool, each ~0.2 ms slower there.
 */
export const SLOW_FLUSH_MS = 4;
/** Fast flushes in a row before one may run on the event loop again. */
const FAST_BEFORE_INLINE = 16;

export interface WalSyncOptions {
  /** The flush on libuv's pool; the tests hold it to watch who waits. */
  flush?: (handle: FileHandle) => Promise<void>;
  /** The flush on the event loop; the tests count it. */
  flushOnLoop?: (fd: number) => void;
  /**
   * Whether nobody would wait behind a flush run on the event loop now (`infra/sole-client.ts`).
   * Without it every flush runs on the pool.
   */
  mayBlock?: () => boolean;
  /** Told of each flush that succeeded and where it ran (the metrics). */
  onFlushed?: (on: 'pool' | 'loop') => void;
  /** Milliseconds, to time the flushes (the tests' own clock). */
  now?: () => number;
}

/**
 * Makes the write-ahead log durable with `fdatasync`, so that no write is reported before it is on
 * disk. The store runs SQLite at `synchronous=NORMAL`, where a commit writes its frames to the log
 * but does not flush it, and waits for `sync()` before it reports any write: together that is
 * `synchronous=FULL`'s promise (a reported commit is on disk).
 *
 * Where the flush runs: on libuv's thread pool, so that the event loop keeps serving while the
 * disk flushes; or on the event loop itself when `mayBlock` says one client alone is being served
 * and the last flushes were all fast. Handing a flush to the pool and being woken when it ends cost
 * a lone sender ~0.15 ms a send here, a sixth of its wait; with nobody else to serve, the loop has
 * nothing better to do meanwhile. One slow flush (over `SLOW_FLUSH_MS`) sends the flushes back
 * to the pool until `FAST_BEFORE_INLINE` fast ones in a row.
 *
 * Flushes on the pool are shared: a caller arriving while one runs waits for the next, which starts
 * when the running one ends (its own frames may have reached the file after that one began), and
 * everyone arriving meanwhile shares it. So a burst of commits costs at most two flushes.
 */
export class WalSync {
  private handle: Promise<FileHandle> | undefined;
  /** The log's descriptor once open: a flush on the event loop needs one at hand. */
  private fd: number | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private fastInARow = 0;
  private readonly flush: (handle: FileHandle) => Promise<void>;
  private readonly flushOnLoop: (fd: number) => void;
  private readonly mayBlock: () => boolean;
  private readonly now: () => number;
  private readonly onFlushed: (on: 'pool' | 'loop') => void;

  constructor(
    private readonly walFile: string,
    options: WalSyncOptions = {},
  ) {
    this.flush = options.flush ?? ((handle) => handle.datasync());
    this.flushOnLoop = options.flushOnLoop ?? fdatasyncSync;
    this.mayBlock = options.mayBlock ?? (() => false);
    this.now = options.now ?? (() => performance.now());
    this.onFlushed = options.onFlushed ?? (() => {});
  }

  /** Resolves once everything written to the log before this call is on disk. */
  sync(): Promise<void> {
    if (this.running === undefined) {
      // A flush on the loop only when none is under way on the pool: it would have to wait for it.
      if (this.fd !== undefined && this.fastInARow >= FAST_BEFORE_INLINE && this.mayBlock()) return this.flushHere(this.fd);
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
    this.fd = undefined;
    await handle?.close();
  }

  private startNext(): Promise<void> {
    this.next = undefined;
    return this.sync();
  }

  private flushHere(fd: number): Promise<void> {
    const started = this.now();
    try {
      this.flushOnLoop(fd);
    } catch (error) {
      this.fastInARow = 0;
      return Promise.reject(error as Error);
    }
    this.timed(started);
    this.onFlushed('loop');
    return Promise.resolve();
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
    this.fd = handle.fd;
    const started = this.now();
    try {
      await this.flush(handle);
    } catch (error) {
      this.fastInARow = 0;
      throw error;
    }
    this.timed(started);
    this.onFlushed('pool');
  }

  private timed(started: number): void {
    this.fastInARow = this.now() - started < SLOW_FLUSH_MS ? Math.min(this.fastInARow + 1, FAST_BEFORE_INLINE) : 0;
  }
}
