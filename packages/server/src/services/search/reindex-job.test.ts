import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics } from '../../metrics.js';
import type { Store } from '../../store/store.js';
import { createReindexJob } from './reindex-job.js';

/** A store whose search part answers as scripted: the job's own logic, without a database. */
function scriptedStore(remaining: (() => Promise<number>)[], steps: { indexed: number; finished: boolean }[]) {
  const calls = { remaining: 0, steps: 0 };
  const search = {
    reindexRemaining: () => remaining[Math.min(calls.remaining++, remaining.length - 1)]!(),
    reindexStep: async () => steps[calls.steps++]!,
  };
  return { store: { search } as unknown as Store, calls };
}

describe('the search re-index job', () => {
  afterEach(() => vi.useRealTimers());

  it('waits for a database that is away at start-up instead of giving up until the next restart', async () => {
    vi.useFakeTimers();
    const { store, calls } = scriptedStore(
      [() => Promise.reject(new Error('timeout exceeded when trying to connect')), async () => 3],
      [{ indexed: 3, finished: true }],
    );
    const job = createReindexJob(store, pino({ level: 'silent' }), createMetrics());
    job.start();
    await vi.advanceTimersByTimeAsync(10_000);
    await job.finished;
    expect(calls).toEqual({ remaining: 2, steps: 1 });
  });

  it('stops while it waits for the database', async () => {
    vi.useFakeTimers();
    const { store, calls } = scriptedStore([() => Promise.reject(new Error('down'))], []);
    const job = createReindexJob(store, pino({ level: 'silent' }), createMetrics());
    job.start();
    await vi.advanceTimersByTimeAsync(1);
    const stopped = job.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    await stopped;
    expect(calls.steps).toBe(0);
  });
});
