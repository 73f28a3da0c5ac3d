import type { DeliveryMarker, HistoryQuery, Message, MessagePage, ReadMarker, ReceiptList, RecentMessagesQuery } from '@confab/protocol';
import type { EventPublisher } from '../events/event-publisher.js';
import { AppError, EpochConflict } from '../../errors.js';
import { MlsDelivery, deviceRevoked, encryptedConversation } from '../encryption/mls-delivery.js';
import type {
  AppendResult,
  MessageRecord,
  MessageUpdate,
  NewMessage,
  NotificationRecord,
  OutboxDraft,
  Store,
  UpdateOutcome,
} from '../../store/store.js';
import type { EventBus } from '../../bus/bus.js';
import type { Metrics } from '../../metrics.js';
import type { BlockService } from '../conversations/block-service.js';
import { ConversationFactsCache } from '../conversations/conversation-facts.js';
import type { MembershipCache } from '../conversations/membership.js';
import { type Content, notYourUploads, sameContent } from './message-content.js';
import type { MessageActivity, MessageActivityFeed } from './message-activity.js';
import { messageView } from '../views.js';
import type { RateLimitService } from '../rate-limits.js';
import { MessageWriter } from './message-writer.js';
import { type PreparedSend, type SendInput, type SendPreparationDeps, prepareSend } from './send-preparation.js';
import { type HeldResult, type SendScreen, releasedSend, screenSend } from './held-sends.js';
import { type HistoryDeps, historyPage, recentPage } from './message-history.js';
import { type ReceiptDeps, listReceipts, markDelivered, markRead } from './read-receipts.js';

export type { SendInput } from './send-preparation.js';
export type { HeldResult, SendScreen } from './held-sends.js';

export interface MessageLimits {
  maxMessageLength: number;
  messagesPageSize: number;
  messagesPageMax: number;
  groupCommitMaxBatch: number;
  allowMemberMentionAll: boolean;
}

export interface SendResult {
  message: Message;
  /** False when this (sender, clientId) was already stored: the same message is returned. */
  created: boolean;
  /** Who the new message concerns (mentioned, quoted, thread), as told to the activity feed; empty for a repeat. */
  activity: readonly MessageActivity[];
}

/**
 * Sending (REST and WebSocket alike), history, the cross-conversation listing and read markers.
 * The steps live in their own modules: send-preparation.ts (the checks before a send is stored),
 * held-sends.ts (the spam screen's holds), message-writer.ts (the group-commit writer),
 * message-history.ts and read-receipts.ts; this class ties them to one set of dependencies.
 */
export class MessageService {
  private readonly writer: MessageWriter;
  private readonly sendDeps: SendPreparationDeps;
  private readonly historyDeps: HistoryDeps;
  private readonly receiptDeps: ReceiptDeps;
  private screen: SendScreen | undefined;

  constructor(
    private readonly store: Store,
    membership: MembershipCache,
    blocks: BlockService,
    bus: EventBus,
    events: EventPublisher,
    private readonly activity: MessageActivityFeed,
    limits: MessageLimits,
    /** Sends per user: one counter for REST and WebSocket, on every node. */
    rateLimits: Pick<RateLimitService, 'consume'>,
    metrics?: Pick<Metrics, 'messagesStored' | 'commitBatches'>,
    mlsDelivery: MlsDelivery = new MlsDelivery(store),
  ) {
    this.writer = new MessageWriter(store, events, limits.groupCommitMaxBatch, metrics);
    const readMessage = (id: string) => this.writer.readMessage(id);
    const conversationFacts = new ConversationFactsCache(store);
    this.sendDeps = { store, membership, conversationFacts, blocks, rateLimits, mlsDelivery, limits, readMessage };
    this.historyDeps = { store, membership, limits };
    this.receiptDeps = { store, membership, bus, events };
  }

  /** A stored message (or undefined), read together with the others asked for in this turn. */
  readMessage(id: string): Promise<MessageRecord | undefined> {
    return this.writer.readMessage(id);
  }

  /**
   * Stores the message durably, then publishes it. Resolves only after the commit, so an
   * acknowledged message is on disk. A reply quotes a message of the same conversation; a thread
   * reply names a top-level message of it as its root. Mentions are parsed from the body.
   */
  async send(
    senderId: string,
    conversationId: string,
    input: SendInput,
    /** Content decided already (a forwarded copy: forwarding.ts), instead of resolving `input`'s. */
    prepared?: Content,
    /** False for a scheduled message at its time: its send was counted when it was scheduled. */
    metered = true,
  ): Promise<SendResult> {
    return this.deliver(await prepareSend(this.sendDeps, senderId, conversationId, input, prepared, metered));
  }

  /**
   * A person's own send (REST and WebSocket): as `send`, except that the screen (Assist's spam
   * model, issue 40) may hold it for an admin's review instead; then it is stored apart and
   * reaches nobody until released (`release`). Forwarded copies and scheduled messages pass it
   * too (`prepared` and `metered` as for `send`): each is a person's words, arriving another way.
   */
  async sendOrHold(
    senderId: string,
    conversationId: string,
    input: SendInput,
    prepared?: Content,
    metered = true,
  ): Promise<SendResult | HeldResult> {
    const send = await prepareSend(this.sendDeps, senderId, conversationId, input, prepared, metered);
    return (await screenSend(this.screen, send)) ?? this.deliver(send);
  }

  /** Delivers a held message as it was sent (its id kept), now. */
  async release(held: NewMessage): Promise<SendResult> {
    return this.deliver(await releasedSend(held, this.sendDeps.readMessage));
  }

  /** Sets the screen every `sendOrHold` passes (one per node). */
  screenWith(screen: SendScreen): void {
    this.screen = screen;
  }

  /** Commits a prepared send and answers it, or throws what the store refused. */
  private async deliver({ draft, content, quoted, root }: PreparedSend): Promise<SendResult> {
    const result = await this.writer.submitSend(draft);
    // An upload swept or deleted after resolveContent read it: refused like one that never was.
    if ('missingUploadIds' in result) {
      const ids = ('attachments' in content ? content.attachments?.map((a) => a.id) : undefined) ?? [];
      throw notYourUploads(result.missingUploadIds.map((id) => ids.indexOf(id)));
    }
    // An MLS commit made in an epoch that is no longer current: the device applies what it missed.
    if ('epochConflict' in result) throw new EpochConflict(result.epochConflict);
    // An MLS message whose device was revoked after its send was checked (refused as it was numbered).
    if ('deviceRevoked' in result) throw deviceRevoked();
    // Plain, and the conversation was encrypted after the send read it (checked again under its lock).
    if ('encryptedConversation' in result) throw encryptedConversation();
    // The store answers a seen (sender, clientId) with what it stored: a retry of this very send,
    // or the key reused for another message, which must not pass for this one's success.
    if (result.message.conversationId !== draft.conversationId) {
      throw new AppError('idempotency_conflict', 'This clientId was already used for a message in another conversation');
    }
    if (!sameContent(result.message, content)) {
      throw new AppError('idempotency_conflict', 'This clientId was already used for a message with another body or files');
    }
    if (result.created) this.activity.bodyStored(result.message);
    const activity = result.created ? await this.announceActivity(result.message, quoted, root) : [];
    return { message: messageView(result.message), created: result.created, activity };
  }

  /** Tells the activity feed who a new message concerns: the mentioned, the quoted author, the thread. */
  private async announceActivity(message: MessageRecord, quoted: MessageRecord | undefined, root: MessageRecord | undefined) {
    const base = { conversationId: message.conversationId, messageId: message.id, actorId: message.senderId };
    const activities: MessageActivity[] = [{ kind: 'mention', ...base, userIds: message.mentions }];
    if (quoted) activities.push({ kind: 'reply', ...base, userIds: [quoted.senderId] });
    if (root && this.activity.hasListeners) {
      // Thread read state (issue 35 item 2): the thread's followers, not who unfollowed it.
      activities.push({ kind: 'thread_reply', ...base, userIds: await this.store.threads.audience(root) });
    }
    return this.activity.emit(activities);
  }

  /** Calls `listener` with each batch's new messages, after their commit and publication; it must not throw. */
  onSent(listener: (sent: readonly AppendResult[]) => void): void {
    this.writer.onSent(listener);
  }

  /** Waits for every accepted send to commit (graceful shutdown). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  history(userId: string, conversationId: string, query: HistoryQuery): Promise<MessagePage> {
    return historyPage(this.historyDeps, userId, conversationId, query);
  }

  recent(userId: string, query: RecentMessagesQuery): Promise<MessagePage> {
    return recentPage(this.historyDeps, userId, query);
  }

  /** Read receipt: moves my read marker forward (never back); the members see `read.updated`. */
  markRead(userId: string, conversationId: string, seq: number): Promise<ReadMarker> {
    return markRead(this.receiptDeps, userId, conversationId, seq);
  }

  /** Delivery receipt: monotonic like the read marker, but not logged (an ephemeral `delivery.updated`). */
  markDelivered(userId: string, conversationId: string, seq: number): Promise<DeliveryMarker> {
    return markDelivered(this.receiptDeps, userId, conversationId, seq);
  }

  receipts(userId: string, conversationId: string): Promise<ReceiptList> {
    return listReceipts(this.receiptDeps, userId, conversationId);
  }

  /**
   * Queues a change of a stored message (MessageLifecycle's edits, deletes, reactions, pins) to
   * commit with the sends of the same turn: a mixed workload costs one commit per batch, not
   * one per change.
   */
  submitUpdate(update: MessageUpdate): Promise<UpdateOutcome> {
    return this.writer.submitUpdate(update);
  }

  /**
   * Queues notifications (NotificationService's, for actions already committed) to commit with
   * the next batch of sends and changes: notifying costs no commit of its own. Resolves once they
   * are stored and published.
   */
  submitNotifications(notifications: readonly NotificationRecord[], outbox: OutboxDraft): Promise<void> {
    return this.writer.submitNotifications(notifications, outbox);
  }
}
