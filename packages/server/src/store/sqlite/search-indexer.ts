import type { Db } from '../sql/rows.js';
import { PENDING_BATCH, hasPending, indexPending } from './search-notes.js';

/**
 * Indexes the messages a send noted for search (`search_pending`, migration 0046) a few at a time
 * behind the sends: every `intervalMs` it looks for notes, and indexes them in transactions of up
 * to `PENDING_BATCH`, one right after the other while there are more. A search never waits for it
 * (it indexes what is still noted itself first); it keeps the notes few, so that the search's
 * share stays small, and indexes what a crash left noted soon after a start.
 */
export interface SearchIndexer {
  /** Stops the timer, after the step under way if there is one. */
  close(): Promise<void>;
}

export interface SearchIndexerOptions {
  /** How long after a step the next one looks for notes. */
  intervalMs?: number;
  /** Told when a step fails (the notes stay; the next step tries again). */
  onError?: (error: Error) => void;
}

export function startSearchIndexer(db: Db, options: SearchIndexerOptions = {}): SearchIndexer {
  const intervalMs = options.intervalMs ?? 100;
  let closed = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (delayMs: number) => {
    if (closed) return;
    timer = setTimeout(() => {
      running = step().finally(() => (running = undefined));
    }, delayMs);
    // A store left open must not keep the process alive for its indexer.
    timer.unref();
  };
  // After a failure, wait longer each time (up to 30 s): a full disk should not log ten times a second.
  let failures = 0;
  const step = async () => {
    let full = false;
    try {
      if (await hasPending(db)) full = (await indexPending(db)) === PENDING_BATCH;
      failures = 0;
    } catch (error) {
      failures++;
      options.onError?.(error as Error);
    }
    // A full batch leaves more behind (a burst, an import, a start after a crash): go on at once.
    schedule(failures > 0 ? Math.min(30_000, intervalMs * 2 ** failures) : full ? 0 : intervalMs);
  };

  schedule(intervalMs);
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
