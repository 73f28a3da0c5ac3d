import DataLoader from 'dataloader';
import type {
  DeliveryMarker,
  MlsSend,
  Role,
  HistoryQuery,
  Message,
  MessagePage,
  ReadMarker,
  ReceiptList,
  RecentMessagesQuery,
} from '@confab/protocol';
import type { EventPublisher } from '../events/event-publisher.js';
import { AppError, EpochConflict, detail, invalid } from '../../errors.js';
import { type MlsContent, MlsDelivery, encryptedConversation } from '../encryption/mls-delivery.js';
import { newId } from '../../ids.js';
import type {
  AppendOutcome,
  MessageRecord,
  MessageUpdate,
  NewMessage,
  NotificationRecord,
  OutboxDraft,
  Store,
  UpdateOutcome,
} from '../../store/store.js';
import { type EventBus, conversationTopic } from '../../bus/bus.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import { GroupCommit } from '../../infra/group-commit.js';
import type { Metrics } from '../../metrics.js';
import type { BlockService } from '../conversations/block-service.js';
import type { MembershipCache } from '../conversations/membership.js';
import { type Content, type ContentInput, notYourUploads, resolveContent, sameContent } from './message-content.js';
import { parseMentions } from './mentions.js';
import type { MessageActivity, MessageActivityFeed } from './message-activity.js';
import { notificationCreated, readUpdated, sendPlan } from '../events/event-drafts.js';
import { messageView } from '../views.js';
import { readerViews } from './forwarding.js';
import type { RateLimitService } from '../rate-limits.js';

export interface MessageLimits {
  maxMessageLength: number;
  messagesPageSize: number;
  messagesPageMax: number;
  groupCommitMaxBatch: number;
  allowMemberMentionAll: boolean;
}

export interface SendInput extends ContentInput {
  clientId: string;
  /** An MLS message, the only content an encrypted conversation takes (issue 39). */
  mls?: MlsSend;
  replyToId?: string;
  threadRootId?: string;
}

export interface SendResult {
  message: Message;
  /** False when this (sender, clientId) was already stored: the same message is returned. */
  created: boolean;
  /** Who the new message concerns (mentioned, quoted, thread), as told to the activity feed; empty for a repeat. */
  activity: readonly MessageActivity[];
}

/** A send held for review by the screen (issue 40): stored apart, delivered to no one. */
export interface HeldResult {
  held: NewMessage;
  /** False for a repeat of a send held already. */
  created: boolean;
}

/** Decides, before a send is stored, whether it is held for review (services/assist/spam-screen.ts). */
export interface SendScreen {
  /** The held record (the one held before, for a repeat of its clientId), or undefined to deliver. */
  screen(draft: NewMessage): Promise<{ draft: NewMessage; created: boolean } | undefined>;
}

const pickContent = (m: NewMessage): Omit<Content, 'body' | 'kind'> => {
  const { location, attachments, voice, poll, forwardedFrom } = m;
  return {
    ...(location ? { location } : {}),
    ...(attachments ? { attachments } : {}),
    ...(voice ? { voice } : {}),
    ...(poll ? { poll } : {}),
    ...(forwardedFrom ? { forwardedFrom } : {}),
  } as Omit<Content, 'body' | 'kind'>;
};

/** Sending (REST and WebSocket alike), history, the cross-conversation listing and read markers. */
export class MessageService {
  /** Sends, changes of stored messages and notifications, committed together: one transaction per batch of all three. */
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
  private readonly sentListeners: ((messages: readonly MessageRecord[]) => void)[] = [];
  private screen: SendScreen | undefined;

  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly blocks: BlockService,
    private readonly bus: EventBus,
    private readonly events: EventPublisher,
    private readonly activity: MessageActivityFeed,
    private readonly limits: MessageLimits,
    /** Sends per user: one counter for REST and WebSocket, on every node. */
    private readonly rateLimits: Pick<RateLimitService, 'consume'>,
    private readonly metrics?: Pick<Metrics, 'messagesStored' | 'commitBatches'>,
    private readonly mlsDelivery: MlsDelivery = new MlsDelivery(store),
  ) {
    this.writer = new GroupCommit(
      (batch) => this.commitBatch(batch),
      limits.groupCommitMaxBatch,
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
    const { draft, content, quoted, root } = await this.prepare(senderId, conversationId, input, prepared, metered);
    return this.deliver(draft, content, quoted, root);
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
    const { draft, content, quoted, root } = await this.prepare(senderId, conversationId, input, prepared, metered);
    // An encrypted message's text is not the server's to read, so the spam model never sees one.
    const held = this.screen && content.kind !== 'encrypted' ? await this.screen.screen(draft) : undefined;
    if (held) return { held: held.draft, created: held.created };
    return this.deliver(draft, content, quoted, root);
  }

  /** Delivers a held message as it was sent (its id kept), now. */
  async release(held: NewMessage): Promise<SendResult> {
    const [quoted, root] = await Promise.all([
      held.replyToId ? this.readMessage(held.replyToId) : undefined,
      held.threadRootId ? this.readMessage(held.threadRootId) : undefined,
    ]);
    const draft = { ...held, createdAt: Date.now(), replyToId: quoted ? quoted.id : null, threadRootId: root ? root.id : null };
    return this.deliver(draft, { body: held.body, kind: (held.kind ?? 'text') as Content['kind'], ...pickContent(held) }, quoted, root);
  }

  /** Sets the screen every `sendOrHold` passes (one per node). */
  screenWith(screen: SendScreen): void {
    this.screen = screen;
  }

  private async prepare(
    senderId: string,
    conversationId: string,
    input: SendInput,
    prepared?: Content,
    metered = true,
  ): Promise<{ draft: NewMessage; content: Content | MlsContent; quoted: MessageRecord | undefined; root: MessageRecord | undefined }> {
    if (metered) await this.rateLimits.consume('sendUser', senderId, { userId: senderId });
    const role = await this.membership.requireRole(conversationId, senderId);
    await this.blocks.assertMaySend(senderId, conversationId);
    const encrypted = await this.encryptedContent(senderId, conversationId, role, input, prepared);
    const [content, quoted, root] = await Promise.all([
      encrypted ?? prepared ?? resolveContent(this.store, senderId, input, this.limits.maxMessageLength),
      this.linked(conversationId, input.replyToId, 'replyToId'),
      this.linked(conversationId, input.threadRootId, 'threadRootId'),
    ]);
    if (root && root.threadRootId !== null)
      throw invalid('A thread root is a top-level message, not a thread reply', [detail('/threadRootId', 'must be a top-level message')]);
    const mentions = await parseMentions(
      this.store,
      {
        conversationId,
        kind: async () => (await this.store.conversations.getConversation(conversationId))?.kind ?? 'direct',
        authorId: senderId,
        authorRole: role,
        memberIds: async () => (await this.membership.members(conversationId)).keys(),
        allowMemberMentionAll: this.limits.allowMemberMentionAll,
      },
      content.body,
    );
    const draft: NewMessage = {
      id: newId(),
      conversationId,
      senderId,
      clientId: input.clientId,
      ...content,
      createdAt: Date.now(),
      replyToId: quoted?.id ?? null,
      threadRootId: root?.id ?? null,
      mentions,
    };
    return { draft, content, quoted, root };
  }

  private async deliver(
    draft: NewMessage,
    content: Content | MlsContent,
    quoted: MessageRecord | undefined,
    root: MessageRecord | undefined,
  ): Promise<SendResult> {
    const { conversationId } = draft;
    const result = await this.submitSend(draft);
    // An upload swept or deleted after resolveContent read it: refused like one that never was.
    if ('missingUploadIds' in result) {
      const ids = ('attachments' in content ? content.attachments?.map((a) => a.id) : undefined) ?? [];
      throw notYourUploads(result.missingUploadIds.map((id) => ids.indexOf(id)));
    }
    // An MLS commit made in an epoch that is no longer current: the device applies what it missed.
    if ('epochConflict' in result) throw new EpochConflict(result.epochConflict);
    // Plain, and the conversation was encrypted after the send read it (checked again under its lock).
    if ('encryptedConversation' in result) throw encryptedConversation();
    // The store answers a seen (sender, clientId) with what it stored: a retry of this very send,
    // or the key reused for another message, which must not pass for this one's success.
    if (result.message.conversationId !== conversationId) {
      throw new AppError('idempotency_conflict', 'This clientId was already used for a message in another conversation');
    }
    if (!sameContent(result.message, content)) {
      throw new AppError('idempotency_conflict', 'This clientId was already used for a message with another body or files');
    }
    if (result.created) this.activity.bodyStored(result.message);
    const activity = result.created ? await this.announceActivity(result.message, quoted, root) : [];
    return { message: messageView(result.message), created: result.created, activity };
  }

  /**
   * What a send into an encrypted conversation stores (issue 39): only an MLS message, checked by
   * the Delivery Service's rules; anything readable is refused (400 encrypted_conversation). A
   * send into a plain conversation answers undefined (and may not carry `mls`).
   */
  private async encryptedContent(
    senderId: string,
    conversationId: string,
    role: Role,
    input: SendInput,
    prepared: Content | undefined,
  ): Promise<MlsContent | undefined> {
    const conversation = await this.store.conversations.getConversation(conversationId);
    if (!conversation?.encrypted) {
      if (input.mls !== undefined)
        throw invalid('This conversation is not encrypted: send a `body`', [detail('/mls', 'is only for encrypted conversations')]);
      return undefined;
    }
    const readable = (['body', 'kind', 'attachmentIds', 'voice', 'location', 'poll'] as const).find((key) => input[key] !== undefined);
    if (input.mls === undefined || prepared !== undefined || readable !== undefined) throw encryptedConversation();
    return this.mlsDelivery.prepare(senderId, conversation, role, await this.membership.members(conversationId), input.mls);
  }

  /** The message a send links to (quotes, or threads under): one of this conversation, else 400. */
  private async linked(
    conversationId: string,
    id: string | undefined,
    field: 'replyToId' | 'threadRootId',
  ): Promise<MessageRecord | undefined> {
    if (id === undefined) return undefined;
    const message = await this.readMessage(id);
    if (!message || message.conversationId !== conversationId)
      throw invalid(`${field} must name a message of this conversation`, [detail(`/${field}`, 'no such message in this conversation')]);
    return message;
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
  onSent(listener: (messages: readonly MessageRecord[]) => void): void {
    this.sentListeners.push(listener);
  }

  /** Waits for every accepted send to commit (graceful shutdown). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  async history(userId: string, conversationId: string, query: HistoryQuery): Promise<MessagePage> {
    await this.membership.requireRole(conversationId, userId);
    const limit = Math.min(query.limit ?? this.limits.messagesPageSize, this.limits.messagesPageMax);
    // My history starts after what I cleared (others still see it).
    const clearedSeq = (await this.store.members.getMemberSettings(conversationId, userId))?.clearedSeq ?? 0;
    const rows = (
      await this.store.messages.listMessages(conversationId, {
        limit: limit + 1,
        threads: query.threads === 'include',
        ...(query.before === undefined ? {} : { before: query.before }),
        ...(query.after === undefined ? {} : { after: Math.max(query.after, clearedSeq) }),
      })
    ).filter((m) => m.seq > clearedSeq);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    // Forwarded copies name their source to readers who are members there (forwarding.ts).
    return { items: await readerViews(this.membership, userId, items), nextCursor: rows.length > limit && last ? String(last.seq) : null };
  }

  async recent(userId: string, query: RecentMessagesQuery): Promise<MessagePage> {
    const limit = query.limit ?? this.limits.messagesPageSize;
    const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, CursorFields.id);
    const rows = await this.store.messages.listRecentMessages(userId, {
      limit: limit + 1,
      ...(query.sender === undefined ? {} : { sender: query.sender }),
      ...(query.recipient === undefined ? {} : { recipient: query.recipient }),
      ...(query.is_read === undefined ? {} : { isRead: query.is_read }),
      ...(beforeId === undefined ? {} : { beforeId }),
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items: items.map((m) => messageView(m)), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
  }

  /** Read receipt: moves my read marker forward (never back); the members see `read.updated`. */
  async markRead(userId: string, conversationId: string, seq: number): Promise<ReadMarker> {
    await this.membership.requireRole(conversationId, userId);
    const { readSeq, unreadCount, mentionCount, events } = await this.store.markers.advanceReadMarker(
      conversationId,
      userId,
      seq,
      readUpdated(conversationId, userId),
    );
    await this.events.publish(events);
    return { conversationId, userId, readSeq, unreadCount, mentionCount };
  }

  /**
   * Delivery receipt: a device of mine has received up to `seq`. Monotonic like the read marker,
   * but not logged: the members see an ephemeral `delivery.updated` and can ask for receipts by REST.
   */
  async markDelivered(userId: string, conversationId: string, seq: number): Promise<DeliveryMarker> {
    await this.membership.requireRole(conversationId, userId);
    const { deliveredSeq, moved } = await this.store.markers.advanceDeliveredMarker(conversationId, userId, seq);
    if (moved) {
      await this.bus.publish([conversationTopic(conversationId)], { type: 'delivery.updated', conversationId, userId, deliveredSeq });
    }
    return { conversationId, userId, deliveredSeq };
  }

  async receipts(userId: string, conversationId: string): Promise<ReceiptList> {
    await this.membership.requireRole(conversationId, userId);
    return { items: await this.store.markers.listReceipts(conversationId) };
  }

  /**
   * Queues a change of a stored message (MessageLifecycle's edits, deletes, reactions, pins) to
   * commit with the sends of the same turn: a mixed workload costs one commit per batch, not
   * one per change.
   */
  submitUpdate(update: MessageUpdate): Promise<UpdateOutcome> {
    return this.writer.submit({ update }) as Promise<UpdateOutcome>;
  }

  /**
   * Queues notifications (NotificationService's, for actions already committed) to commit with
   * the next batch of sends and changes: notifying costs no commit of its own. Resolves once they
   * are stored and published.
   */
  async submitNotifications(notifications: readonly NotificationRecord[], outbox: OutboxDraft): Promise<void> {
    if (notifications.length > 0) await this.writer.submit({ notify: notifications, outbox });
  }

  private submitSend(message: NewMessage): Promise<AppendOutcome> {
    return this.writer.submit({ send: message }) as Promise<AppendOutcome>;
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
      const sent = results.flatMap((r) => ('created' in r && r.created ? [r.message] : []));
      if (sent.length > 0) for (const listener of this.sentListeners) listener(sent);
    }
    let s = 0;
    let u = 0;
    return batch.map((w) => ('send' in w ? results[s++]! : 'update' in w ? updates[u++] : undefined));
  }
}

type Write = { send: NewMessage } | { update: MessageUpdate } | { notify: readonly NotificationRecord[]; outbox: OutboxDraft };
