/**
 * The log positions this process has published, kept as a prefix: "every position in (from, to]
 * went out through this node's bus" is then one comparison. With a bus that drops nothing
 * (`EventBus.lossless`), such a stretch of the log holds nothing this node's sockets missed, and
 * the live check (ws/live-check.ts) need not read it. Positions committed by another process
 * (`confab admin`, another node) never show up here, so a stretch holding one is read as before.
 *
 * Memory stays bounded by about one check interval's positions: each `covers` call forgets what
 * lies at or below its `from`, and the live check's first round calls `startAfter` so that what
 * this node publishes from then on is a prefix at once (not a set of every position until the
 * first `covers`, two intervals later: 100,000 and more under load).
 */
export class PublishedPositions {
  /** Every position in (the last `from`, through] was published; null before the first `covers`. */
  private through: number | null = null;
  /** Published positions past `through + 1`: out of order, or past a position not published here. */
  private readonly ahead = new Set<number>();

  note(pos: number): void {
    if (this.through === null || pos !== this.through + 1) {
      if (this.through === null || pos > this.through) this.ahead.add(pos);
      return;
    }
    this.through = pos;
    this.advance();
  }

  /** Positions kept apart from the prefix (out of order, or past one published elsewhere): what this costs in memory. */
  get held(): number {
    return this.ahead.size;
  }

  /** Counts from `pos` on: what is at or below it is forgotten, and the positions after it extend the prefix as they come. */
  startAfter(pos: number): void {
    this.covers(pos, pos);
  }

  /** Whether every position in (from, to] was published here; what is at or below `from` is forgotten. */
  covers(from: number, to: number): boolean {
    if (this.through === null || this.through < from) {
      this.through = from;
      for (const pos of this.ahead) if (pos <= from) this.ahead.delete(pos);
      this.advance();
    }
    return this.through >= to;
  }

  private advance(): void {
    let through = this.through!;
    while (this.ahead.delete(through + 1)) through += 1;
    this.through = through;
  }
}
