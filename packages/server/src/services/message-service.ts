import type { DeliveryMarker, HistoryQuery, Message, MessagePage, ReadMarker, ReceiptList, RecentMessagesQuery } from '@confab/protocol';
import type { EventPublisher } from './event-publisher.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import type { AppendResult, NewMessage, Store } from '../store/store.js';
import { type EventBus, conversationTopic } from '../bus/bus.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { GroupCommit } from './group-commit.js';
import type { Metrics } from '../metrics.js';
import type { MembershipCache } from './membership.js';
import { validateBody } from './message-rules.js';
import { readUpdated, sendPlan } from './event-drafts.js';
import { messageView } from './views.js';

export interface MessageLimits {
  maxMessageLength: number;
  messagesPageSize: number;
  messagesPageMax: number;
  groupCommitMaxBatch: number;
}

export interface SendResult {
  message: Message;
  /** False when this (sender, clientId) was already stored: the same message is returned. */
  created: boolean;
}

/** Sending (REST and WebSocket alike), history, the cross-conversation listing and read markers. */
export class MessageService {
  private readonly writer: GroupCommit<NewMessage, AppendResult>;

  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly bus: EventBus,
    private readonly events: EventPublisher,
    private readonly limits: MessageLimits,
    private readonly metrics?: Pick<Metrics, 'messagesStored' | 'commitBatches'>,
  ) {
    this.writer = new GroupCommit((batch) => this.commitBatch(batch), limits.groupCommitMaxBatch);
  }

  /**
   * Stores the message durably, then publishes it. Resolves only after the commit, so an
   * acknowledged message is on disk.
   */
  async send(senderId: string, conversationId: string, input: { clientId: string; body: string }): Promise<SendResult> {
    validateBody(input.body, this.limits.maxMessageLength);
    await this.membership.requireRole(conversationId, senderId);
    const result = await this.writer.submit({
      id: newId(),
      conversationId,
      senderId,
      clientId: input.clientId,
      body: input.body,
      createdAt: Date.now(),
    });
    // The store answers a seen (sender, clientId) with what it stored: a retry of this very send,
    // or the key reused for another message, which must not pass for this one's success.
    if (result.message.conversationId !== conversationId) {
      throw new AppError('idempotency_conflict', 'This clientId was already used for a message in another conversation');
    }
    if (result.message.body !== input.body) {
      throw new AppError('idempotency_conflict', 'This clientId was already used for a message with another body');
    }
    return { message: messageView(result.message), created: result.created };
  }

  /** Waits for every accepted send to commit (graceful shutdown). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  async history(userId: string, conversationId: string, query: HistoryQuery): Promise<MessagePage> {
    await this.membership.requireRole(conversationId, userId);
    const limit = Math.min(query.limit ?? this.limits.messagesPageSize, this.limits.messagesPageMax);
    const rows = await this.store.listMessages(conversationId, {
      limit: limit + 1,
      threads: query.threads === 'include',
      ...(query.before === undefined ? {} : { before: query.before }),
      ...(query.after === undefined ? {} : { after: query.after }),
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items: items.map(messageView), nextCursor: rows.length > limit && last ? String(last.seq) : null };
  }

  async recent(userId: string, query: RecentMessagesQuery): Promise<MessagePage> {
    const limit = query.limit ?? this.limits.messagesPageSize;
    const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, isString);
    const rows = await this.store.listRecentMessages(userId, {
      limit: limit + 1,
      ...(query.sender === undefined ? {} : { sender: query.sender }),
      ...(query.recipient === undefined ? {} : { recipient: query.recipient }),
      ...(query.is_read === undefined ? {} : { isRead: query.is_read }),
      ...(beforeId === undefined ? {} : { beforeId }),
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items: items.map(messageView), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
  }

  /** Read receipt: moves my read marker forward (never back); the members see `read.updated`. */
  async markRead(userId: string, conversationId: string, seq: number): Promise<ReadMarker> {
    await this.membership.requireRole(conversationId, userId);
    const { readSeq, unreadCount, events } = await this.store.advanceReadMarker(conversationId, userId, seq, readUpdated(conversationId, userId));
    await this.events.publish(events);
    return { conversationId, userId, readSeq, unreadCount };
  }

  /**
   * Delivery receipt: a device of mine has received up to `seq`. Monotonic like the read marker,
   * but not logged: the members see an ephemeral `delivery.updated` and can ask for receipts by REST.
   */
  async markDelivered(userId: string, conversationId: string, seq: number): Promise<DeliveryMarker> {
    await this.membership.requireRole(conversationId, userId);
    const { deliveredSeq, moved } = await this.store.advanceDeliveredMarker(conversationId, userId, seq);
    if (moved) {
      await this.bus.publish([conversationTopic(conversationId)], { type: 'delivery.updated', conversationId, userId, deliveredSeq });
    }
    return { conversationId, userId, deliveredSeq };
  }

  async receipts(userId: string, conversationId: string): Promise<ReceiptList> {
    await this.membership.requireRole(conversationId, userId);
    return { items: await this.store.listReceipts(conversationId) };
  }

  private async commitBatch(batch: NewMessage[]): Promise<AppendResult[]> {
    const { results, events } = await this.store.appendMessages(batch, sendPlan);
    this.metrics?.commitBatches.inc();
    this.metrics?.messagesStored.inc(events.length);
    // Committed: now (and only now) tell the members, in log order.
    await this.events.publish(events);
    return results;
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
