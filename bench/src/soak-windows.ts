import { Samples, summarize } from './stats.js';

/** `le` → cumulative count of one histogram, as `/metrics` prints its `_bucket` lines. */
export type Buckets = Map<string, number>;

/** The buckets of `name` in a Prometheus text exposition (no labels besides `le`). */
export function parseBuckets(text: string, name: string): Buckets {
  const buckets: Buckets = new Map();
  const line = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+(?:\\.\\d+)?)$`, 'gm');
  for (const match of text.matchAll(line)) buckets.set(match[1]!, Number(match[2]));
  return buckets;
}

/** What a histogram counted between two scrapes, bucket by bucket (still cumulative). */
export function bucketDelta(before: Buckets, after: Buckets): Buckets {
  const delta: Buckets = new Map();
  for (const [le, count] of after) delta.set(le, count - (before.get(le) ?? 0));
  return delta;
}

/**
 * The upper bound of the bucket holding quantile `q` (`"+Inf"` past the last bound), or null for
 * no samples: the p99 read from the buckets, as `histogram_quantile` would bound it.
 */
export function quantileBound(delta: Buckets, q: number): string | null {
  const total = delta.get('+Inf') ?? 0;
  if (total === 0) return null;
  for (const [le, count] of delta) if (count >= q * total) return le;
  return '+Inf';
}

/** The lowest bound no sample exceeded: the longest delay lies below it (and above the bound before). */
export function maxBound(delta: Buckets): string | null {
  return quantileBound(delta, 1);
}

/**
 * Delivery latencies grouped by the window their message was *sent* in, so a stall shows in the
 * window whose messages it held up, however late they arrived.
 */
export class WindowedLatency {
  private readonly windows: Samples[] = [];

  constructor(private readonly windowMs: number) {}

  /** `sentAt` counts from the soak's start. */
  add(sentAt: number, latencyMs: number): void {
    const w = Math.max(0, Math.floor(sentAt / this.windowMs));
    (this.windows[w] ??= new Samples()).push(latencyMs);
  }

  /** Each window's p50 / p99 / max (ms) and count; a window with no delivery is null. */
  summaries(): ({ count: number; p50: number; p99: number; max: number } | null)[] {
    return Array.from(this.windows, (samples) => {
      const summary = samples === undefined ? null : summarize(samples);
      return summary === null ? null : { count: summary.count, p50: summary.p50, p99: summary.p99, max: summary.max };
    });
  }
}
