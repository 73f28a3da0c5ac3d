/**
 * Work done after the answer has gone (a password-reset lookup and its mail), so the answer takes
 * the same time whatever the work finds. Bounded: past `limit` tasks in flight, new ones are
 * dropped and reported (a flood of requests must not queue without end). Shutdown waits for it.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly onError: (error: unknown, what: string) => void,
    private readonly limit = 1000,
  ) {}

  run(what: string, task: () => Promise<void>): void {
    if (this.running.size >= this.limit) {
      this.onError(new Error(`${this.limit} background tasks in flight: dropped`), what);
      return;
    }
    const done: Promise<void> = task()
      .catch((error: unknown) => this.onError(error, what))
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  /** Resolves once every task started before (and during) the wait has finished. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
