import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { Metrics } from '../../metrics.js';
import type { Store } from '../../store/store.js';

/** A pause between steps, so sends and searches are never queued behind the job for long. */
const STEP_PAUSE_MS = 20;
/** After a failed step (the database away), the job waits this long and carries on from its mark. */
const RETRY_MS = 5000;
/** A progress line at most this often. */
const LOG_EVERY_MS = 10_000;

export interface ReindexJob {
  start(): void;
  /** Stops after the step under way (the mark stays where that step left it). */
  stop(): Promise<void>;
  /** Settles when every message is re-indexed (or the job is stopped). */
  readonly finished: Promise<void>;
}

/**
 * Indexes again, in the background, the messages stored before search's token index (migration
 * 0024, docs/search.md): a step at a time, newest first, each step a transaction that moves the
 * job's mark, so a restart (or another node: the mark is shared) carries on where it stopped.
 * Search answers meanwhile: messages not yet done are found by their words as before.
 * Progress: log lines, and `confab_search_reindexed_messages_total` and
 * `confab_search_reindex_remaining_messages` in /metrics.
 */
export function createReindexJob(store: Store, logger: Logger, metrics: Metrics): ReindexJob {
  const registers = [metrics.registry];
  const indexed = new Counter({
    name: 'confab_search_reindexed_messages_total',
    help: 'Messages stored before the search token index that this node has indexed again (issue 38)',
    registers,
  });
  const remaining = new Gauge({
    name: 'confab_search_reindex_remaining_messages',
    help: 'Messages still to index again for search (0 once done; counted at start, then counted down)',
    registers,
  });
  let stopped = false;
  let running: Promise<void> | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

  /** The count to start from; the database away at start-up (nodes often start before it) is waited for. */
  async function remainingAtStart(): Promise<number | undefined> {
    while (!stopped) {
      try {
        return await store.search.reindexRemaining();
      } catch (error) {
        logger.warn({ err: error }, 'search: could not count the messages to index again; retrying');
        await wait(RETRY_MS);
      }
    }
    return undefined;
  }

  async function run(): Promise<void> {
    let left = await remainingAtStart();
    if (left === undefined) return;
    remaining.set(left);
    if (left === 0) return;
    logger.info({ remaining: left }, 'search: indexing stored messages again (search answers meanwhile)');
    let done = 0;
    let loggedAt = Date.now();
    while (!stopped) {
      let step;
      try {
        step = await store.search.reindexStep();
      } catch (error) {
        logger.warn({ err: error }, 'search: a re-index step failed; retrying from the mark');
        await wait(RETRY_MS);
        continue;
      }
      done += step.indexed;
      left = Math.max(0, left - step.indexed);
      indexed.inc(step.indexed);
      remaining.set(step.finished ? 0 : left);
      if (step.finished) {
        logger.info({ indexed: done }, 'search: every stored message is in the token index');
        return;
      }
      if (Date.now() - loggedAt >= LOG_EVERY_MS) {
        logger.info({ indexed: done, remaining: left }, 'search: re-indexing stored messages');
        loggedAt = Date.now();
      }
      await wait(STEP_PAUSE_MS);
    }
  }

  return {
    finished,
    start() {
      running ??= run()
        .catch((error: unknown) => logger.error({ err: error }, 'search: the re-index job stopped'))
        .finally(finish);
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
