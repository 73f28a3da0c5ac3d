import { Histogram, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_LOOP_DELAY_BUCKETS } from './metrics.js';
import { watchEventLoopDelay } from './event-loop-delay.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds the event loop for `ms`, as a long synchronous task would. */
function hold(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

async function bucketsOf(histogram: Histogram): Promise<Map<string, number>> {
  const { values } = await histogram.get();
  return new Map(values.filter((v) => v.metricName?.endsWith('_bucket')).map((v) => [String(v.labels['le']), v.value]));
}

describe('watchEventLoopDelay', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  const histogram = () =>
    new Histogram({ name: 'loop_delay_seconds', help: 'test', buckets: EVENT_LOOP_DELAY_BUCKETS, registers: [new Registry()] });

  it('records a stall of the event loop as one sample of about its length', async () => {
    const delays = histogram();
    stop = watchEventLoopDelay(delays, 5);
    await sleep(30);
    hold(120);
    await sleep(30);
    const buckets = await bucketsOf(delays);
    const count = buckets.get('+Inf')!;
    expect(count).toBeGreaterThan(3);
    // The 120 ms stall is one sample above 0.1 s (on a busy machine, a descheduled tick may add one).
    expect(count - buckets.get('0.1')!).toBeGreaterThanOrEqual(1);
    expect(count - buckets.get('0.1')!).toBeLessThanOrEqual(2);
    expect(count - buckets.get('0.25')!).toBe(0);
  });

  it('stops observing once stopped', async () => {
    const delays = histogram();
    watchEventLoopDelay(delays, 5)();
    await sleep(30);
    expect((await bucketsOf(delays)).get('+Inf')).toBe(0);
  });
});
