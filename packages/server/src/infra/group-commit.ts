/**
 * Group commit: callers submit one item each and get its own result, while the items that
 * arrive together are committed in one transaction (one fsync for many acknowledged writes).
 * One batch is in flight at a time, so batches commit — and their events publish — in order.
 */
export class GroupCommit<In, Out> {
  private queue: { input: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  private draining = false;

  constructor(
    private readonly commit: (inputs: In[]) => Promise<Out[]>,
    private readonly maxBatch: number,
    /**
     * True while work that will submit is already scheduled for this turn (reads of what edits,
     * reactions and replies aim at): the batch then waits one more turn, so those writes join it
     * instead of waiting a whole commit for the next.
     */
    private readonly submitsPending: () => boolean = () => false,
  ) {}

  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Wait one turn of the event loop so the requests already read off sockets join the batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves once everything submitted so far has committed (used by graceful shutdown). */
  async flush(): Promise<void> {
    while (this.draining || this.queue.length > 0) await new Promise((r) => setImmediate(r));
  }

  private async drain(): Promise<void> {
    try {
      if (this.submitsPending()) await new Promise((r) => setImmediate(r));
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.commitBatch(batch);
        // Left over past maxBatch: wait a turn so what the sockets brought in meanwhile joins it,
        // rather than paying a whole commit for a remainder of a few items.
        if (this.queue.length > 0) await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.draining = false;
    }
  }

  private async commitBatch(batch: typeof this.queue): Promise<void> {
    try {
      const outs = await this.commit(batch.map((b) => b.input));
      batch.forEach((b, i) => b.resolve(outs[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad item must not fail its neighbours: retry each alone.
      for (const item of batch) await this.commitBatch([item]);
    }
  }
}
