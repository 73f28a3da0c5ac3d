import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { DeliveryChannel, DeliveryRecord, Store } from '../../store/store.js';

/** What one attempt at a delivery came to. */
export type DeliveryOutcome =
  /** Done: delivered (2xx), or not needed any more (the user is online, the subscription is gone). */
  | { done: true }
  /** Failed (non-2xx, timeout, network): try again later, or give up past the attempt limit. */
  | { done: false; error: string };

/** Delivers one row of one channel; never throws (a failure is an outcome). */
export type DeliverySender = (delivery: DeliveryRecord) => Promise<DeliveryOutcome>;

export interface DispatcherOptions {
  /** The longest one attempt may take: the lease is longer, so a live node never loses a row it is delivering. */
  deliveryTimeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  pollIntervalMs: number;
  /** Most deliveries one node has in flight at once. */
  concurrency?: number;
}

/**
 * Delivers the notification outbox (docs/decisions/0007-notification-outbox.md). Every node runs
 * one: it claims due rows under a lease (its token), delivers them, then deletes each (done),
 * schedules it again with backoff (failed), or marks it dead (out of attempts). A node that dies
 * mid-delivery leaves its rows to whichever node claims them once the lease has passed, so a row
 * is delivered until one attempt succeeds — at least once, and once in the normal course.
 */
export class OutboxDispatcher {
  private readonly token = randomBytes(12).toString('base64url');
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly completed: string[] = [];
  private completing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private claiming: Promise<void> | undefined;
  private again = false;
  /** The last claim filled every free slot: more rows may be due as soon as one frees. */
  private backlog = false;
  private stopped = true;

  constructor(
    private readonly store: Store,
    private readonly senders: Record<DeliveryChannel, DeliverySender>,
    private readonly options: DispatcherOptions,
    private readonly logger: Logger,
  ) {
    // Twice the attempt's own limit: a slow event loop must not let another node take a row in flight.
    this.leaseMs = options.deliveryTimeoutMs * 2 + 1000;
    this.concurrency = options.concurrency ?? 16;
  }

  start(): void {
    this.stopped = false;
    this.nudge();
  }

  /** Looks for due deliveries now (new notifications were committed on this node, or a slot freed). */
  nudge(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.claiming = this.claim().finally(() => {
      this.claiming = undefined;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.nudge();
      } else {
        this.timer = setTimeout(() => this.nudge(), this.options.pollIntervalMs);
        this.timer.unref();
      }
    });
  }

  /** Stops claiming; resolves once the deliveries in flight have settled (each within its timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.claiming;
    await Promise.all(this.inFlight);
  }

  /**
   * Claims as many due rows as there are free slots and starts each delivery on its own, so one
   * slow endpoint holds up only its own rows, never the node's other deliveries.
   */
  private async claim(): Promise<void> {
    const free = this.concurrency - this.inFlight.size;
    if (free <= 0) return; // a delivery that finishes nudges again
    let claimed: DeliveryRecord[];
    try {
      claimed = await this.store.outbox.claimDeliveries(Date.now(), { token: this.token, leaseMs: this.leaseMs, limit: free });
    } catch (error) {
      // The store is unreachable: the rows stay, and the next poll tries again.
      this.logger.warn({ err: error }, 'outbox: could not claim deliveries');
      return;
    }
    this.backlog = claimed.length === free;
    for (const delivery of claimed) {
      const running: Promise<void> = this.attempt(delivery)
        .catch((error: unknown) => this.logger.warn({ err: error, delivery: delivery.id }, 'outbox: could not settle a delivery'))
        .finally(() => {
          this.inFlight.delete(running);
          if (this.backlog) this.nudge();
        });
      this.inFlight.add(running);
    }
  }

  /**
   * Deletes a delivered row, with the others done in the same turn: one statement (on SQLite one
   * fsync) for them all, rather than one each, which would bound a node's rate by the disk.
   */
  private complete(id: string): Promise<void> {
    this.completed.push(id);
    this.completing ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        const ids = this.completed.splice(0);
        this.completing = undefined;
        this.store.outbox.completeDeliveries(ids, this.token).then(() => resolve(), reject);
      }),
    );
    return this.completing;
  }

  private async attempt(delivery: DeliveryRecord): Promise<void> {
    const outcome = await this.senders[delivery.channel](delivery).catch((error: unknown): DeliveryOutcome => ({
      done: false,
      error: error instanceof Error ? error.message : String(error),
    }));
    if (outcome.done) {
      await this.complete(delivery.id);
      return;
    }
    const about = { delivery: delivery.id, channel: delivery.channel, attempts: delivery.attempts, error: outcome.error };
    if (delivery.attempts >= this.options.maxAttempts) {
      await this.store.outbox.abandonDelivery(delivery.id, this.token, outcome.error);
      this.logger.error(about, 'outbox: a delivery failed every attempt and is marked dead');
      return;
    }
    const delay = retryDelay(delivery.attempts, this.options.retryBaseMs, this.options.retryMaxMs);
    await this.store.outbox.retryDelivery(delivery.id, this.token, Date.now() + delay, outcome.error);
    this.logger.warn({ ...about, retryInMs: delay }, 'outbox: a delivery failed; it will be retried');
  }
}

/**
 * Exponential backoff with equal jitter: after the n-th failed attempt, between half and all of
 * `base · 2^(n-1)`, capped at `max`; the jitter keeps a recovering endpoint from being hit by
 * every row at once.
 */
export function retryDelay(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
