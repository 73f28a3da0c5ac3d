import DataLoader from 'dataloader';
import type { EventPublisher } from '../events/event-publisher.js';
import type {
  AppendOutcome,
  AppendResult,
  MessageRecord,
  MessageUpdate,
  NewMessage,
  NotificationRecord,
  OutboxDraft,
  Store,
  UpdateOutcome,
} from '../../store/store.js';
import { GroupCommit } from '../../infra/group-commit.js';
import type { Metrics } from '../../metrics.js';
import { notificationCreated, sendPlan } from '../events/event-drafts.js';

type Write = { send: NewMessage } | { update: MessageUpdate } | { notify: readonly NotificationRecord[]; outbox: OutboxDraft };

/**
 * The one writer of messages: sends, changes of stored messages and notifications, committed
 * together (one transaction per batch of all three), then published. Reads of stored messages are
 * batched per turn of the event loop too, and the writer's next batch waits for them.
 */
export class MessageWriter {
  private readonly writer: GroupCommit<Write, AppendOutcome | UpdateOutcome | undefined>;

  /**
   * Stored messages read for the actions of one turn of the event loop at once (the quoted
   * message of each reply, the target of each edit, delete and reaction): one query, not one per
   * action. Never cached: each turn reads what is stored then.
   */
  private readonly reader: DataLoader<string, MessageRecord | undefined>;
  /** Read batches scheduled and not yet run: the writer's next batch waits for the writes they lead to. */
  private readsScheduled = 0;
  /** Told each batch's new messages once committed and published (drafts clear on send). */
  private readonly sentListeners: ((sent: readonly AppendResult[]) => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly events: EventPublisher,
    maxBatch: number,
    private readonly metrics?: Pick<Metrics, 'messagesStored' | 'commitBatches'>,
  ) {
    this.writer = new GroupCommit(
      (batch) => this.commitBatch(batch),
      maxBatch,
      () => this.readsScheduled > 0,
    );
    this.reader = new DataLoader(
      async (ids) => {
        const found = new Map((await store.messages.getMessages(ids)).map((m) => [m.id, m]));
        return ids.map((id) => found.get(id));
      },
      {
        cache: false,
        batchScheduleFn: (run) => {
          this.readsScheduled += 1;
          setImmediate(() => {
            this.readsScheduled -= 1;
            run();
          });
        },
      },
    );
  }

  /** A stored message (or undefined), read together with the others asked for in this turn. */
  readMessage(id: string): Promise<MessageRecord | undefined> {
    return this.reader.load(id);
  }

  /** Queues a new message; resolves once its batch is committed and published. */
  submitSend(message: NewMessage): Promise<AppendOutcome> {
    return this.writer.submit({ send: message }) as Promise<AppendOutcome>;
  }

  submitUpdate(update: MessageUpdate): Promise<UpdateOutcome> {
    return this.writer.submit({ update }) as Promise<UpdateOutcome>;
  }

  async submitNotifications(notifications: readonly NotificationRecord[], outbox: OutboxDraft): Promise<void> {
    if (notifications.length > 0) await this.writer.submit({ notify: notifications, outbox });
  }

  /** Calls `listener` with each batch's new messages, after their commit and publication; it must not throw. */
  onSent(listener: (sent: readonly AppendResult[]) => void): void {
    this.sentListeners.push(listener);
  }

  /** Waits for every accepted write to commit (graceful shutdown). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  private async commitBatch(batch: Write[]): Promise<(AppendOutcome | UpdateOutcome | undefined)[]> {
    const sends = batch.flatMap((w) => ('send' in w ? [w.send] : []));
    const changes = batch.flatMap((w) => ('update' in w ? [w.update] : []));
    const notifyWrites = batch.flatMap((w) => ('notify' in w ? [w] : []));
    const notifications = notifyWrites.flatMap((w) => w.notify);
    // Every notification write carries the same outbound settings (the node's NotificationService).
    const notify = notifyWrites[0] ? { notifications, announce: notificationCreated, outbox: notifyWrites[0].outbox } : undefined;
    const { results, events, updates } = await this.store.messages.appendMessages(sends, sendPlan, changes, notify);
    this.metrics?.commitBatches.inc();
    this.metrics?.messagesStored.inc(results.filter((r) => 'created' in r && r.created).length);
    // Committed: now (and only now) tell the members, in log order.
    await this.events.publish(events);
    if (this.sentListeners.length > 0) {
      const sent = results.flatMap((r) => ('created' in r && r.created ? [r] : []));
      if (sent.length > 0) for (const listener of this.sentListeners) listener(sent);
    }
    let s = 0;
    let u = 0;
    return batch.map((w) => ('send' in w ? results[s++]! : 'update' in w ? updates[u++] : undefined));
  }
}
