import {
  type Message,
  type MessageList,
  type MessagePage,
  type MessageVersionList,
  type PageQuery,
  type Role,
  isReactionKey,
} from '@confab/protocol';
import { refuseIfEncrypted } from '../encryption/mls-delivery.js';
import { AppError, detail, forbidden, invalid, notFound } from '../../errors.js';
import type { MessageChange, MessageRecord, Store } from '../../store/store.js';
import type { BlockService } from '../conversations/block-service.js';
import type { MessageService } from './message-service.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import { messageDeleted, messageUpdated } from '../events/event-drafts.js';
import { parseMentions } from './mentions.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { MessageActivity, MessageActivityFeed } from './message-activity.js';
import { validateBody } from './message-rules.js';
import { messageView } from '../views.js';
import { readerViews } from './forwarding.js';

export interface LifecycleLimits {
  maxMessageLength: number;
  /** Seconds after sending during which the author may edit; null: always. */
  editWindowSeconds: number | null;
  maxReactionsPerMessage: number;
  allowMemberMentionAll: boolean;
  messagesPageSize: number;
}

/** Pins listed at most (`GET …/pins` has no pages: a conversation pins a handful). */
export const MAX_PINS_LISTED = 1000;

const canModerate = (role: Role) => role === 'owner' || role === 'admin';

/**
 * A message after it was sent: reading it, editing (earlier versions kept), deleting (a
 * tombstone), its thread, reactions and pins. REST and WebSocket call the same methods. Every
 * change is decided from the message as stored inside the change's transaction (the store's
 * `updateMessage`), logged with it, and published after the commit.
 */
export class MessageLifecycle {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    /** Where changes are committed (with the sends: MessageService.submitUpdate), and messages read (readMessage, batched). */
    private readonly writer: Pick<MessageService, 'submitUpdate' | 'readMessage'>,
    private readonly activity: MessageActivityFeed,
    private readonly limits: LifecycleLimits,
    /** Removes a deleted message's files once no other message carries them. */
    private readonly files?: { release(ids: readonly string[]): Promise<number> },
    /** In a DM, a block either way refuses what reaches the other side: edit, react, pin (issue 35). */
    private readonly blocks?: Pick<BlockService, 'assertMayReach'>,
  ) {}

  async get(userId: string, messageId: string): Promise<Message> {
    const [view] = await readerViews(this.membership, userId, [(await this.visible(userId, messageId)).message]);
    return view!;
  }

  /** The author changes the body; the replaced one is kept as an earlier version, mentions are parsed again. */
  async edit(userId: string, messageId: string, body: string): Promise<{ message: Message; activity: readonly MessageActivity[] }> {
    validateBody(body, this.limits.maxMessageLength);
    const { message, role } = await this.visible(userId, messageId);
    if (message.senderId !== userId) throw forbidden('Only the author may edit a message');
    // Before the kind check: an encrypted message's kind is `encrypted`, and its author is told to
    // send the edit as MLS (400), not that the message cannot be edited at all (403).
    await refuseIfEncrypted(this.store, message.conversationId, 'An edit in clear');
    if (message.kind !== 'text') throw forbidden('Only the author may edit a message');
    await this.blocks?.assertMayReach(userId, message.conversationId);
    const now = Date.now();
    const window = this.limits.editWindowSeconds;
    if (window !== null && now - message.createdAt > window * 1000) {
      throw forbidden(`Messages can be edited for ${window} seconds after sending`);
    }
    const mentions = await parseMentions(
      this.store,
      {
        conversationId: message.conversationId,
        kind: async () => (await this.store.conversations.getConversation(message.conversationId))?.kind ?? 'direct',
        authorId: userId,
        authorRole: role,
        memberIds: async () => (await this.membership.members(message.conversationId)).keys(),
        allowMemberMentionAll: this.limits.allowMemberMentionAll,
      },
      body,
    );
    let before: string[] = [];
    const updated = await this.change(messageId, (current) => {
      if (current.deletedAt !== null) throw new AppError('conflict', 'The message was deleted');
      if (current.body === body) return null;
      before = current.mentions;
      return { body, editedAt: now, keepVersion: true, mentions };
    });
    if (updated.changed) this.activity.bodyStored(updated.message, message);
    const newlyMentioned = updated.changed ? mentions.filter((id) => !before.includes(id)) : [];
    const activity = this.activity.emit([
      { kind: 'mention', conversationId: message.conversationId, messageId, actorId: userId, userIds: newlyMentioned },
    ]);
    return { message: messageView(updated.message), activity };
  }

  /** Earlier bodies, oldest first, each with when an edit replaced it. */
  async versions(userId: string, messageId: string): Promise<MessageVersionList> {
    await this.visible(userId, messageId);
    const edits = await this.store.messages.listEdits(messageId);
    return { items: edits.map((e) => ({ body: e.body, editedAt: new Date(e.editedAt).toISOString() })) };
  }

  /** Leaves a tombstone: the body, its earlier versions, reactions, mentions and pin are gone. Idempotent. */
  async delete(userId: string, messageId: string): Promise<Message> {
    const { message, role } = await this.visible(userId, messageId);
    if (message.senderId !== userId) {
      const kind = (await this.store.conversations.getConversation(message.conversationId))?.kind;
      if (kind !== 'group' || !canModerate(role))
        throw forbidden('Only the author, or an owner or admin of the group, may delete a message');
    }
    return messageView(await this.tombstone(message));
  }

  /**
   * The author's own message deleted as `delete` does, whether or not they are still a member:
   * an account erased with `eraseMessages` (AccountService) takes its messages everywhere.
   */
  async eraseAsAuthor(userId: string, messageId: string): Promise<void> {
    const message = await this.store.messages.getMessage(messageId);
    if (!message || message.senderId !== userId) throw notFound('Message');
    await this.tombstone(message);
  }

  private async tombstone(before: MessageRecord): Promise<MessageRecord> {
    const now = Date.now();
    let stored = before;
    const { message, changed } = await this.change(
      before.id,
      (current) => {
        stored = current;
        return current.deletedAt !== null
          ? null
          : { body: '', deletedAt: now, reactions: [], mentions: [], pinnedAt: null, pinnedBy: null, erase: true };
      },
      'deleted',
    );
    if (changed) this.activity.bodyStored(message, stored);
    const carried = before.attachments?.map((a) => a.id) ?? [];
    // After the commit: its links are gone, so what no other message carries can go too (the
    // orphan sweep catches whatever this misses).
    if (carried.length > 0 && this.files) await this.files.release(carried).catch(() => {});
    return message;
  }

  /** A thread root's replies, oldest first. */
  async thread(userId: string, rootId: string, query: PageQuery): Promise<MessagePage> {
    const { message: root } = await this.visible(userId, rootId);
    const limit = query.limit ?? this.limits.messagesPageSize;
    // My thread listing starts after what I cleared, as my history does (others still see it).
    const clearedSeq = (await this.store.members.getMemberSettings(root.conversationId, userId))?.clearedSeq ?? 0;
    const cursor = query.cursor === undefined ? 0 : decodeCursor(query.cursor, CursorFields.integer);
    const after = Math.max(cursor, clearedSeq);
    const rows = await this.store.messages.listThread(rootId, { limit: limit + 1, ...(after === 0 ? {} : { after }) });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items: items.map((m) => messageView(m)), nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
  }

  /** Adds or removes my reaction; idempotent both ways. */
  async react(
    userId: string,
    messageId: string,
    emoji: string,
    on: boolean,
  ): Promise<{ message: Message; activity: readonly MessageActivity[] }> {
    if (!isReactionKey(emoji))
      throw invalid('A reaction is one emoji, or a :shortcode: of a-z 0-9 _ + -', [
        detail('', 'the emoji must be one emoji or a :shortcode:'),
      ]);
    const { message } = await this.visible(userId, messageId);
    // Reaction keys in clear would say what people feel about what the server cannot read (issue 39).
    if (on) await refuseIfEncrypted(this.store, message.conversationId, 'A reaction in clear');
    await this.blocks?.assertMayReach(userId, message.conversationId);
    const max = this.limits.maxReactionsPerMessage;
    const updated = await this.change(messageId, (current) => {
      if (current.deletedAt !== null) throw new AppError('conflict', 'The message was deleted');
      const entry = current.reactions.find((r) => r.emoji === emoji);
      if (on) {
        if (entry?.userIds.includes(userId)) return null;
        if (!entry && current.reactions.length >= max) {
          throw new AppError('conflict', `A message has at most ${max} different reactions`, [
            detail('', `the message already has ${max} different reactions`, { limit: max }),
          ]);
        }
        return {
          reactions: entry
            ? current.reactions.map((r) => (r === entry ? { emoji, userIds: [...r.userIds, userId] } : r))
            : [...current.reactions, { emoji, userIds: [userId] }],
        };
      }
      if (!entry?.userIds.includes(userId)) return null;
      const rest = entry.userIds.filter((id) => id !== userId);
      return {
        reactions:
          rest.length === 0
            ? current.reactions.filter((r) => r !== entry)
            : current.reactions.map((r) => (r === entry ? { emoji, userIds: rest } : r)),
      };
    });
    const activity =
      on && updated.changed
        ? this.activity.emit([
            { kind: 'reaction', conversationId: message.conversationId, messageId, actorId: userId, userIds: [message.senderId], emoji },
          ])
        : [];
    return { message: messageView(updated.message), activity };
  }

  /** Pins or unpins; in groups owners and admins only, in direct conversations either member. Idempotent. */
  async pin(userId: string, messageId: string, on: boolean): Promise<Message> {
    const { message, role } = await this.visible(userId, messageId);
    const kind = (await this.store.conversations.getConversation(message.conversationId))?.kind;
    if (kind === 'group' && !canModerate(role)) throw forbidden('Only owners and admins pin messages in a group');
    await this.blocks?.assertMayReach(userId, message.conversationId);
    const now = Date.now();
    const updated = await this.change(messageId, (current) => {
      if (on) {
        if (current.deletedAt !== null) throw new AppError('conflict', 'The message was deleted');
        return current.pinnedAt === null ? { pinnedAt: now, pinnedBy: userId } : null;
      }
      return current.pinnedAt === null ? null : { pinnedAt: null, pinnedBy: null };
    });
    return messageView(updated.message);
  }

  async pins(userId: string, conversationId: string): Promise<MessageList> {
    await this.membership.requireRole(conversationId, userId);
    return { items: (await this.store.messages.listPins(conversationId, MAX_PINS_LISTED)).map((m) => messageView(m)) };
  }

  /** The message and my role in its conversation; not_found for a message I may not see, as for one that does not exist. */
  private async visible(userId: string, messageId: string): Promise<{ message: MessageRecord; role: Role }> {
    const message = await this.writer.readMessage(messageId);
    const role = message && (await this.membership.members(message.conversationId)).get(userId);
    if (!message || role === undefined) throw notFound('Message');
    return { message, role };
  }

  /**
   * Runs a change through the message writer (committed with the sends of the same turn, one
   * transaction per batch), and answers what it did; what the decision threw is thrown here.
   */
  private async change(messageId: string, decide: MessageChange, as: 'updated' | 'deleted' = 'updated') {
    const outcome = await this.writer.submitUpdate({
      id: messageId,
      change: decide,
      announce: as === 'deleted' ? messageDeleted : messageUpdated,
    });
    if (outcome === undefined) throw notFound('Message');
    if ('refused' in outcome) throw outcome.refused;
    return outcome;
  }
}
