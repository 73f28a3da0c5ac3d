/**
 * The log positions this process has published, kept as a prefix: "every position in (from, to]
 * went out through this node's bus" is then one comparison. With a bus that drops nothing
 * (`EventBus.lossless`), such a stretch of the log holds nothing this node's sockets missed, and
 * the live check (ws/live-check.ts) need not read it. Positions committed by another process
 * (`confab admin`, another node) never show up here, so a stretch holding one is read as before.
 *
 * Memory stays bounded by about one check interval's positions: each `covers` call forgets what
 * lies at or below its `from`.
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
