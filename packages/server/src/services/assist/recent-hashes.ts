/**
 * The SimHashes of the latest sends, oldest first, in a fixed ring (spam-screen.ts's
 * near-duplicate signal). Counting a send's near-duplicates runs on every untrusted send, so it
 * allocates nothing: the previous array-of-objects version, filtered and copied per send, cost
 * ~300 µs a send with a full window (2026-11-26 profile: 8.6 % of a REST send's CPU).
 */
export class RecentHashes {
  private readonly hashes: Uint32Array;
  private readonly times: Float64Array;
  /** Index of the oldest kept hash. */
  private start = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    /** A hash older than this (ms) no longer counts. */
    private readonly windowMs: number,
  ) {
    this.hashes = new Uint32Array(capacity);
    this.times = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** How many kept hashes, sent in the last window before `now`, are at most `maxBits` bits from `hash`. */
  countNear(hash: number, maxBits: number, now: number): number {
    this.expire(now);
    let near = 0;
    for (let i = 0, at = this.start; i < this.count; i++, at = at + 1 === this.capacity ? 0 : at + 1) {
      if (popcount(this.hashes[at]! ^ hash) <= maxBits) near++;
    }
    return near;
  }

  /** Keeps `hash`, dropping the oldest when full. */
  add(hash: number, now: number): void {
    const at = (this.start + this.count) % this.capacity;
    this.hashes[at] = hash;
    this.times[at] = now;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** Drops hashes older than the window. Sends arrive in time order, so the old ones are at the start. */
  private expire(now: number): void {
    while (this.count > 0 && now - this.times[this.start]! >= this.windowMs) {
      this.start = (this.start + 1) % this.capacity;
      this.count--;
    }
  }
}

/** The number of set bits of a 32-bit value (the classic SWAR count: no loop per bit). */
export function popcount(value: number): number {
  let x = value >>> 0;
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
