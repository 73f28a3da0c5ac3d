import type { Histogram } from 'prom-client';

/** How often the watcher asks to run: a stall shorter than this can hide between two ticks. */
const TICK_MS = 10;

/**
 * Times how late a repeating timer runs, into `histogram` (seconds): each tick observes how long
 * after its due time it ran, so a stall of the event loop shows as one sample of its length. A
 * Prometheus histogram (unlike the default collectors' `nodejs_eventloop_lag_p99_seconds`, a
 * gauge over the time since the last scrape) can be summed over any window and over nodes, which
 * is what a soak reads: the p99 of every 15 s, and the longest stall. Returns the stop function.
 */
export function watchEventLoopDelay(histogram: Pick<Histogram, 'observe'>, tickMs = TICK_MS): () => void {
  let due = performance.now() + tickMs;
  const timer = setInterval(() => {
    const now = performance.now();
    histogram.observe(Math.max(0, now - due) / 1000);
    // The next tick is due one interval from now: Node's interval re-arms from when it ran.
    due = now + tickMs;
  }, tickMs);
  // The watcher never keeps the process alive on its own.
  timer.unref();
  return () => clearInterval(timer);
}
