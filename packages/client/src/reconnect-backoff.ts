/**
 * When the realtime connection tries again after losing its socket: the first delay is
 * `minMs`, each failed attempt doubles it up to `maxMs`, and each delay is jittered to between
 * half and all of it, so a server's clients do not all return in the same instant.
 */
export class ReconnectBackoff {
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {}

  /** Runs `attempt` after the next delay. */
  schedule(attempt: () => void): void {
    const delay = Math.min(this.maxMs, this.minMs * 2 ** this.attempts) * (0.5 + Math.random() / 2);
    this.attempts += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(attempt, delay);
  }

  /** A connection succeeded, or the network came back: the next delay starts from the first again. */
  reset(): void {
    this.attempts = 0;
  }

  /** Drops the attempt scheduled, if any. */
  cancel(): void {
    clearTimeout(this.timer);
  }
}
