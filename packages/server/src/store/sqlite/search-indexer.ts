import type { Db } from '../sql/rows.js';
import { PENDING_BATCH, hasPending, indexPending, mergeIndexSlice } from './search-notes.js';

/**
 * Indexes the messages a send noted for search (`search_pending`, migration 0046) a few at a time
 * behind the sends: every `intervalMs` it looks for notes, and indexes them in transactions of up
 * to `INDEXER_BATCH` (more while it is behind), one right after the other while there are more. A
 * search never waits for it (it indexes what is still noted itself first); it keeps the notes few, so
 * that the search's share stays small, and indexes what a crash left noted soon after a start.
 *
 * It also does the index's merging (FTS5's own is off since migration 0050): once it has written
 * enough segments for a level to need merging, one slice of merge work a step, each in a
 * transaction of its own with the event loop let go between them, until none is left. Every
 * transaction it holds the connection for stays short (about a millisecond here, 2–3 ms at
 * worst), since a send that arrives meanwhile waits for it.
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

/**
 * The most notes a step indexes while the indexer keeps up: about half a millisecond of the
 * connection here (an FTS5 segment costs ~0.2 ms whatever its size, each message ~7 µs more), so
 * a send that arrives meanwhile waits little; a bigger batch is cheaper a message but holds sends
 * back longer. Behind (a step found a full batch), each next batch is twice as big, up to
 * `PENDING_BATCH`: with 64 alone, 100 senders left 15,000 notes behind in 8 s (the loop busy, a
 * step's four turns of it each slow), which the next quiet second then paid for.
 */
export const INDEXER_BATCH = 64;
/** Lets the event loop take what came in (I/O first) before going on. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Segments it writes before it looks for merge work again once a slice found none (FTS5's usermerge, 0050). */
const MERGE_AFTER_SEGMENTS = 16;
/** How often it looks for merge work it did not make itself. */
const MERGE_LOOK_MS = 10_000;

export function startSearchIndexer(db: Db, options: SearchIndexerOptions = {}): SearchIndexer {
  const intervalMs = options.intervalMs ?? 100;
  let size = INDEXER_BATCH;
  let closed = false;
  // Whether merge work may be waiting. A level is merged from 16 segments on (usermerge, 0050), so
  // after a slice found nothing there is none until about 16 more segments are written: it counts
  // its own. A search's own indexing (indexNotedSoFar) and the steps before a start may have left
  // some too, so it looks now and then even when it has written none.
  let mergeOwed = true;
  let segmentsSinceMerged = 0;
  let lookedForMerges = Date.now();
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
    let more = false;
    try {
      if (await hasPending(db)) {
        const looked = await indexPending(db, size);
        more = looked === size;
        if (looked > 0 && ++segmentsSinceMerged >= MERGE_AFTER_SEGMENTS) mergeOwed = true;
        // Falling behind (sends faster than small steps go, the loop busy): a batch twice as big
        // next, up to a search's; caught up: small again.
        size = more ? Math.min(size * 2, PENDING_BATCH) : INDEXER_BATCH;
      }
      if (mergeOwed || Date.now() - lookedForMerges >= MERGE_LOOK_MS) {
        // What arrived while the notes were indexed goes first.
        await yieldToLoop();
        lookedForMerges = Date.now();
        mergeOwed = await mergeIndexSlice(db);
        if (!mergeOwed) segmentsSinceMerged = 0;
        more ||= mergeOwed;
      }
      failures = 0;
    } catch (error) {
      failures++;
      options.onError?.(error as Error);
    }
    // A full batch or a merge slice leaves more behind (a burst, an import, a start after a crash): go on at once.
    schedule(failures > 0 ? Math.min(30_000, intervalMs * 2 ** failures) : more ? 0 : intervalMs);
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
