/**
 * Delivery receipts, batched: what arrives within `windowMs` goes out as one `delivered` frame
 * per conversation, naming the highest seq received there. Only forward: a seq at or below what
 * was already reported is not reported again.
 */
export class DeliveryReceipts {
  private readonly upTo = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** Sends a frame now, or answers false when the socket is not open: the batch is kept, and goes with the next one. */
    private readonly send: (frame: string) => boolean,
    private readonly windowMs = 100,
  ) {}

  received(conversationId: string, seq: number): void {
    if (seq <= (this.upTo.get(conversationId) ?? 0)) return;
    this.upTo.set(conversationId, seq);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    for (const [conversationId, seq] of this.upTo) {
      if (!this.send(JSON.stringify({ type: 'delivered', conversationId, seq }))) return;
    }
    this.upTo.clear();
  }
}
