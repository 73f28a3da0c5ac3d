import { createRequire } from 'node:module';
import type * as WorkerThreads from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import type SQLiteDriver from 'better-sqlite3';

/**
 * Copies the write-ahead log back into the database file from a worker thread, so the commits on
 * the event loop only append to the WAL and fsync it. SQLite's automatic checkpoint runs inside
 * whichever commit crosses its threshold (every 1,000 pages by default): that commit then also
 * copies the pages and fsyncs the database file, and every socket waits for it. Measured under a
 * mixed send load, commits took p90 34 ms with the automatic checkpoint and 14 ms without.
 *
 * The worker's checkpoints are PASSIVE: they never block a writer. When one has copied the whole
 * log, the next commit starts the WAL over from its beginning; under a steady load that never
 * happens (commits land while it copies), so the log grows to the main connection's far higher
 * automatic threshold (`FALLBACK_AUTOCHECKPOINT_PAGES`), whose checkpoint then finds almost
 * everything copied already and lets the log start over. At 2,000 sends/s that was every 3.4 s,
 * at 80 MB; the event loop's longest gap around it was 12–18 ms. (Restarting the log from the
 * worker sooner, the store's queries paused meanwhile, was tried in issue 13 and changed no
 * figure: bench/journal.md.)
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 20_000;

export interface WalCheckpointer {
  /** Stops the worker after a last checkpoint; the database stays open on the main connection. */
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  /** How often the worker checkpoints what the log holds. */
  intervalMs?: number;
  /** Told when a checkpoint fails (the fallback threshold still bounds the log). */
  onError?: (error: Error) => void;
  /** Told after each checkpoint that found frames: how many the log held, how many are now in the file. */
  onCheckpoint?: (result: CheckpointResult) => void;
}

export interface CheckpointResult {
  logFrames: number;
  checkpointedFrames: number;
}

export function startWalCheckpointer(file: string, options: CheckpointerOptions = {}): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  // The worker's code is this module's `checkpointLoop`, sent as source: it runs the same from
  // the TypeScript sources (tests) and the built files, with no separate worker file to ship.
  const worker = new Worker(`(${checkpointLoop.toString()})()`, {
    eval: true,
    workerData: { file, driver, intervalMs: options.intervalMs ?? 100 },
  });
  let exited = false;
  worker.on('error', (error) => options.onError?.(error));
  worker.on('exit', () => (exited = true));
  worker.on('message', (message: { error: string } | CheckpointResult) => {
    if ('error' in message) options.onError?.(new Error(`WAL checkpoint failed: ${message.error}`));
    else options.onCheckpoint?.(message);
  });
  // A checkpointer must never keep the process alive on its own.
  worker.unref();
  let closed: Promise<void> | undefined;
  return {
    close() {
      closed ??= new Promise<void>((resolve) => {
        if (exited) return resolve();
        worker.once('exit', () => resolve());
        worker.ref(); // an unreferenced worker would let the process exit while this waits for it
        worker.postMessage('close');
      });
      return closed;
    },
  };
}

/** Runs inside the worker (plain JavaScript once compiled; it may use only what it requires itself). */
function checkpointLoop(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parentPort, workerData } = require('node:worker_threads') as typeof WorkerThreads;
  const { file, driver, intervalMs } = workerData as { file: string; driver: string; intervalMs: number };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const SQLite = require(driver) as typeof SQLiteDriver;
  const db = new SQLite(file);
  db.pragma('busy_timeout = 5000');
  const checkpoint = () => {
    try {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      if (result && result.log > 0) parentPort!.postMessage({ logFrames: result.log, checkpointedFrames: result.checkpointed });
    } catch (error) {
      parentPort!.postMessage({ error: (error as Error).message });
    }
  };
  const timer = setInterval(checkpoint, intervalMs);
  parentPort!.on('message', () => {
    clearInterval(timer);
    checkpoint();
    db.close();
    parentPort!.close();
  });
}
