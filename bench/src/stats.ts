/** A growable buffer of numeric samples (latencies in ms), cheap to push at high rates. */
export class Samples {
  private buf: Float64Array;
  length = 0;

  constructor(capacity = 4096) {
    this.buf = new Float64Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = value;
  }

  values(): Float64Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Distribution summary, in the samples' unit (ms). Percentiles are nearest-rank. */
export interface Summary {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export function summarize(samples: Samples | Float64Array | readonly number[]): Summary | null {
  const source = samples instanceof Samples ? samples.values() : samples;
  const sorted = Float64Array.from(source).sort();
  const n = sorted.length;
  if (n === 0) return null;
  let sum = 0;
  for (const v of sorted) sum += v;
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  return {
    count: n,
    mean: round(sum / n),
    min: round(sorted[0]!),
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    p999: round(at(0.999)),
    max: round(sorted[n - 1]!),
  };
}

/** The `k` slowest samples with their place in the order taken (0 = first): whether the tail is the first, cold calls. */
export function slowest(samples: readonly number[], k = 3): { at: number; ms: number }[] {
  return samples
    .map((ms, at) => ({ at, ms: round(ms, 1) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, k);
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Counts events into 1-second buckets from `start` (ms), for a per-second series. */
export class PerSecond {
  private readonly counts: number[];

  constructor(
    private readonly start: number,
    seconds: number,
  ) {
    this.counts = new Array<number>(Math.max(1, Math.ceil(seconds))).fill(0);
  }

  add(at: number): void {
    const i = Math.floor((at - this.start) / 1000);
    if (i >= 0 && i < this.counts.length) this.counts[i]! += 1;
  }

  series(): number[] {
    return [...this.counts];
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A small seeded generator, so two runs draw the same numbers. */
export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What two modes counted over neighbouring stretches of time (a slice of each). */
export interface Pair {
  mix: number;
  plain: number;
}

/**
 * The 95 % percentile-bootstrap interval of Σmix / Σplain over the pairs: the pairs drawn again
 * with replacement, `draws` times, from a seeded generator (the same pairs give the same
 * interval). Null with fewer than two pairs, or nothing counted.
 */
export function ratioInterval(pairs: readonly Pair[], seed: number, draws = 4000): [number, number] | null {
  if (pairs.length < 2) return null;
  const random = mulberry32(seed);
  const ratios: number[] = [];
  for (let d = 0; d < draws; d++) {
    let mix = 0;
    let plain = 0;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[Math.floor(random() * pairs.length)]!;
      mix += pair.mix;
      plain += pair.plain;
    }
    if (plain > 0) ratios.push(mix / plain);
  }
  if (ratios.length === 0) return null;
  ratios.sort((a, b) => a - b);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))]!;
  return [at(0.025), at(0.975)];
}
