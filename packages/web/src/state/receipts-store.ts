import type { ConfabClient, RealtimeConnection } from '@confab/client';
import type { Receipt } from '@confab/protocol';
import { ExternalStore } from './external-store.js';

/** userId → how far each member has read and had messages delivered. */
export type Receipts = ReadonlyMap<string, Receipt>;

/**
 * The other members' read and delivery markers in one conversation, for the ticks on my
 * messages and "seen by": read once (`GET …/receipts`), then moved by `read.updated` (in the
 * log) and `delivery.updated` (a live signal only, so the list is read again on each reconnect).
 * Markers only ever move forward.
 */
export class ReceiptsStore extends ExternalStore<Receipts> {
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly client: ConfabClient,
    private readonly connection: RealtimeConnection,
    readonly conversationId: string,
  ) {
    super(new Map());
  }

  start(): void {
    const here = (id: string) => id === this.conversationId;
    this.stops.push(
      this.connection.on('read.updated', (event) => {
        if (here(event.conversationId)) this.move(event.userId, { readSeq: event.readSeq });
      }),
      this.connection.on('delivery.updated', (event) => {
        if (here(event.conversationId)) this.move(event.userId, { deliveredSeq: event.deliveredSeq });
      }),
      this.connection.onStateChange((state) => {
        if (state === 'open') void this.load();
      }),
    );
    void this.load();
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  async load(): Promise<void> {
    try {
      const { items } = await this.client.receipts(this.conversationId);
      for (const receipt of items) this.move(receipt.userId, receipt);
    } catch {
      // Shown without ticks until the next reconnect reads them again.
    }
  }

  private move(userId: string, marker: Partial<Receipt>): void {
    const current = this.getSnapshot().get(userId) ?? { userId, readSeq: 0, deliveredSeq: 0 };
    const readSeq = Math.max(current.readSeq, marker.readSeq ?? 0);
    // Read implies delivered.
    const deliveredSeq = Math.max(current.deliveredSeq, marker.deliveredSeq ?? 0, readSeq);
    if (readSeq === current.readSeq && deliveredSeq === current.deliveredSeq && this.getSnapshot().has(userId)) return;
    const next = new Map(this.getSnapshot());
    next.set(userId, { userId, readSeq, deliveredSeq });
    this.set(next);
  }
}

export type Tick = 'sent' | 'delivered' | 'read';

/** The tick on my message `seq`: read once any other member has read it, delivered once it reached a device of any. */
export function tickFor(seq: number, receipts: Receipts, me: string): Tick {
  let delivered = false;
  for (const receipt of receipts.values()) {
    if (receipt.userId === me) continue;
    if (receipt.readSeq >= seq) return 'read';
    if (receipt.deliveredSeq >= seq) delivered = true;
  }
  return delivered ? 'delivered' : 'sent';
}

/** Who (besides me) has read up to `seq`, for "seen by" in groups. */
export function seenBy(seq: number, receipts: Receipts, me: string): string[] {
  return [...receipts.values()].filter((r) => r.userId !== me && r.readSeq >= seq).map((r) => r.userId);
}
