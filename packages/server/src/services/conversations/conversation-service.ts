import Type from 'typebox';
import {
  type ConversationDetail,
  type ConversationPage,
  type CreateConversationBody,
  MLS_CIPHERSUITE_ID,
  type MemberResponse,
  type Role,
  type UpdateConversationBody,
} from '@confab/protocol';
import { AppError, detail, forbidden, invalid, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { type Store, UniqueViolation } from '../../store/store.js';
import type { EventPublisher } from '../events/event-publisher.js';
import { batchedReads } from '../../infra/batching.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import { userDeactivatedError } from '../accounts/account-states.js';
import type { BlockService } from './block-service.js';
import type { NotificationService } from '../notifications/notification-service.js';
import type { MembershipCache } from './membership.js';
import {
  conversationCreated,
  conversationUpdated,
  memberAdded,
  memberRemoved,
  memberUpdated,
  systemDraft,
} from '../events/event-drafts.js';
import { conversationSummaryView, memberView } from '../views.js';
import type { RateLimitService } from '../rate-limits.js';

const canManage = (role: Role) => role === 'owner' || role === 'admin';

/** The end of an encrypted direct conversation's key (`userA:userB:e2e`): the pair's plain one keeps `userA:userB`. */
export const ENCRYPTED_DIRECT_SUFFIX = ':e2e';

/** A new encrypted conversation's MLS group: its id is the conversation id's UTF-8 bytes, at epoch 0 (decision 0027). */
export const newMlsGroup = (conversationId: string, now: number) => ({
  conversationId,
  groupId: Buffer.from(conversationId, 'utf8').toString('base64url'),
  ciphersuite: MLS_CIPHERSUITE_ID,
  epoch: 0,
  groupInfo: null,
  updatedAt: now,
});

/**
 * Conversations, membership and roles. Every rule and permission check lives here; every
 * change is published on the bus after its transaction commits.
 */
export class ConversationService {
  /** Each user's conversation ids; the reads of sockets resuming together are one query. */
  private readonly conversationIds = batchedReads(
    (ids) => this.store.conversations.listConversationIds(ids),
    (): string[] => [],
  );

  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly blocks: BlockService,
    private readonly notifications: NotificationService,
    private readonly events: EventPublisher,
    private readonly limits: { maxGroupMembers: number },
    private readonly rateLimits: Pick<RateLimitService, 'consume'>,
  ) {}

  async create(userId: string, input: CreateConversationBody): Promise<{ conversation: ConversationDetail; created: boolean }> {
    await this.rateLimits.consume('conversationCreateUser', userId, { userId });
    const now = Date.now();
    const otherIds = input.kind === 'direct' ? [input.userId] : input.memberIds.filter((id) => id !== userId);
    if (input.kind === 'direct' && input.userId === userId) throw invalid('A direct conversation needs another user');
    if (otherIds.length + 1 > this.limits.maxGroupMembers) {
      const { maxGroupMembers } = this.limits;
      throw invalid(`A group has at most ${maxGroupMembers} members`, [
        detail('/memberIds', `must have at most ${maxGroupMembers - 1} members besides the creator`, { limit: maxGroupMembers - 1 }),
      ]);
    }
    const others = await this.store.users.getUsers(otherIds);
    const found = new Set(others.map((u) => u.id));
    const missing = otherIds.filter((id) => !found.has(id));
    if (missing.length > 0) {
      if (input.kind === 'direct') throw notFound('User');
      throw invalid(
        'Some members do not exist',
        missing.map((id) => detail(`/memberIds/${input.memberIds.indexOf(id)}`, 'no such user')),
      );
    }
    // A new DM with a deactivated account could never be answered (issue 35).
    if (input.kind === 'direct' && others[0]!.deactivatedAt !== null) throw userDeactivatedError();
    if (input.kind === 'direct') await this.blocks.assertNotBlockedBy(input.userId, userId);
    else await this.blocks.assertNoneBlocks(otherIds, userId);
    const id = newId();
    const encrypted = input.encrypted === true;
    const { conversation, created, events } = await this.store.conversations.createConversation(
      {
        id,
        kind: input.kind,
        title: input.kind === 'group' ? input.title : null,
        // A pair has one plain and one encrypted direct conversation (issue 39): two keys.
        directKey: input.kind === 'direct' ? [userId, input.userId].sort().join(':') + (encrypted ? ENCRYPTED_DIRECT_SUFFIX : '') : null,
        createdBy: userId,
        createdAt: now,
        lastActivityAt: now,
        ...(encrypted ? { mlsGroup: newMlsGroup(id, now) } : {}),
      },
      [
        { conversationId: id, userId, role: input.kind === 'group' ? 'owner' : 'member', joinedAt: now },
        ...otherIds.map((memberId) => ({ conversationId: id, userId: memberId, role: 'member' as const, joinedAt: now })),
      ],
      conversationCreated,
      // Being put into a group is being added to it; opening a DM is not.
      input.kind === 'group'
        ? await this.notifications.draft(
            { actorId: userId, conversationId: id, messageId: null },
            otherIds.map((memberId) => ({ userId: memberId, kind: 'added_to_conversation' as const })),
          )
        : undefined,
    );
    await this.events.publish(events);
    return { conversation: await this.get(userId, conversation.id), created };
  }

  /** Every conversation the user is in (the gateway subscribes a new socket to these). */
  conversationIdsOf(userId: string): Promise<string[]> {
    return this.conversationIds.load(userId);
  }

  async list(userId: string, page: { limit?: number; cursor?: string; archived?: 'include' | 'only' }): Promise<ConversationPage> {
    const limit = page.limit ?? 20;
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, ActivityKey);
    const rows = await this.store.conversations.listConversations(userId, {
      limit: limit + 1,
      ...(after ? { after } : {}),
      archived: page.archived ?? 'exclude',
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      unreadTotal: await this.store.markers.countUnreadTotal(userId),
      items: items.map(conversationSummaryView),
      nextCursor:
        rows.length > limit && last ? encodeCursor({ activityAt: last.conversation.lastActivityAt, id: last.conversation.id }) : null,
    };
  }

  async get(userId: string, conversationId: string): Promise<ConversationDetail> {
    const view = await this.store.conversations.getConversationView(userId, conversationId);
    if (!view) throw notFound('Conversation');
    const members = await this.store.members.listMembers(conversationId);
    return { ...conversationSummaryView(view), members: members.map(memberView) };
  }

  /** `PATCH`: a new title, and/or encryption turned on (never off: `encrypted: false` is refused). */
  async update(userId: string, conversationId: string, patch: UpdateConversationBody): Promise<ConversationDetail> {
    if (patch.encrypted === false)
      throw invalid('End-to-end encryption cannot be turned off', [detail('/encrypted', 'must be true: encryption is never turned off')]);
    if (patch.encrypted === true) await this.encrypt(userId, conversationId);
    return patch.title === undefined ? this.get(userId, conversationId) : this.updateTitle(userId, conversationId, patch.title);
  }

  /**
   * Turns end-to-end encryption on for a group (issue 39): its MLS group starts at epoch 0, and
   * the device that turned it on commits the members' devices into it. Owner or admin; a
   * conversation encrypted already stays as it is. A direct conversation is not turned: the pair
   * opens its encrypted one (`encrypted: true` on create).
   */
  async encrypt(userId: string, conversationId: string): Promise<void> {
    const role = await this.membership.requireRole(conversationId, userId);
    const conversation = await this.store.conversations.getConversation(conversationId);
    if (!conversation) throw notFound('Conversation');
    if (conversation.encrypted) return;
    if (conversation.kind !== 'group')
      throw invalid('A direct conversation is not turned encrypted: open the encrypted one with `encrypted: true`', [
        detail('/encrypted', 'is only for groups'),
      ]);
    if (!canManage(role)) throw forbidden('Only the owner or an admin can turn on encryption');
    const updated = await this.store.conversations.encryptConversation(
      newMlsGroup(conversationId, Date.now()),
      conversationUpdated(userId),
      systemDraft({ action: 'encryption_enabled', actorId: userId }),
    );
    if (updated) await this.events.publish(updated.events);
  }

  async updateTitle(userId: string, conversationId: string, title: string): Promise<ConversationDetail> {
    const role = await this.membership.requireRole(conversationId, userId);
    const conversation = await this.requireGroup(conversationId);
    if (!canManage(role)) throw forbidden('Only the owner or an admin can rename a group');
    const updated = await this.store.conversations.updateConversationTitle(
      conversation.id,
      title,
      conversationUpdated(userId),
      systemDraft({ action: 'title_changed', actorId: userId, title }),
    );
    if (!updated) throw notFound('Conversation');
    await this.events.publish(updated.events);
    return this.get(userId, conversationId);
  }

  async addMember(actorId: string, conversationId: string, userId: string): Promise<MemberResponse> {
    const role = await this.membership.requireRole(conversationId, actorId);
    const conversation = await this.requireGroup(conversationId);
    if (!canManage(role)) throw forbidden('Only the owner or an admin can add members');
    if ((await this.membership.members(conversationId)).has(userId)) throw new AppError('already_member', 'That user is already a member');
    if (conversation.memberCount >= this.limits.maxGroupMembers) {
      const { maxGroupMembers } = this.limits;
      throw invalid(`A group has at most ${maxGroupMembers} members`, [detail('', 'the group is full', { limit: maxGroupMembers })]);
    }
    if (!(await this.store.users.getUser(userId))) throw invalid('That user does not exist', [detail('/userId', 'no such user')]);
    await this.blocks.assertNoneBlocks([userId], actorId);
    let added;
    try {
      const notify = await this.notifications.draft({ actorId, conversationId, messageId: null }, [
        { userId, kind: 'added_to_conversation' },
      ]);
      added = await this.store.members.addMember({ conversationId, userId, role: 'member', joinedAt: Date.now() }, memberAdded(actorId), {
        notify,
        system: systemDraft({ action: 'member_added', actorId, userId }),
      });
    } catch (error) {
      if (error instanceof UniqueViolation) throw new AppError('already_member', 'That user is already a member');
      throw error;
    }
    this.membership.invalidate(conversationId);
    await this.events.publish(added.events);
    return { conversationId, member: memberView(added.member) };
  }

  async removeMember(actorId: string, conversationId: string, userId: string): Promise<void> {
    const actorRole = await this.membership.requireRole(conversationId, actorId);
    await this.requireGroup(conversationId);
    const members = await this.membership.members(conversationId);
    const targetRole = members.get(userId);
    if (targetRole === undefined) throw notFound('Member');
    if (actorId === userId) {
      if (targetRole === 'owner' && members.size > 1) {
        throw new AppError('conflict', 'The owner must make another member owner before leaving');
      }
    } else if (!(actorRole === 'owner' || (actorRole === 'admin' && targetRole === 'member'))) {
      throw forbidden('Only the owner can remove admins; owners and admins can remove members');
    }
    const removed = await this.store.members.removeMember(
      conversationId,
      userId,
      memberRemoved(conversationId, userId, actorId),
      systemDraft({ action: actorId === userId ? 'member_left' : 'member_removed', actorId, userId }),
    );
    if (!removed) throw notFound('Member');
    this.membership.invalidate(conversationId);
    await this.events.publish(removed.events);
  }

  /** Only the owner changes roles; making someone owner hands ownership over (the old owner becomes admin). */
  async setRole(actorId: string, conversationId: string, userId: string, role: Role): Promise<MemberResponse> {
    const actorRole = await this.membership.requireRole(conversationId, actorId);
    await this.requireGroup(conversationId);
    const members = await this.membership.members(conversationId);
    if (!members.has(userId)) throw notFound('Member');
    if (actorRole !== 'owner') throw forbidden('Only the owner can change roles');
    if (userId === actorId) throw new AppError('conflict', 'The owner hands over ownership by making another member owner');
    const changes: { userId: string; role: Role }[] = [{ userId, role }];
    if (role === 'owner') changes.push({ userId: actorId, role: 'admin' });
    const { members: updated, events } = await this.store.members.setRoles(conversationId, changes, memberUpdated(actorId));
    this.membership.invalidate(conversationId);
    await this.events.publish(events);
    return { conversationId, member: memberView(updated.find((m) => m.userId === userId)!) };
  }

  private async requireGroup(conversationId: string) {
    const conversation = await this.store.conversations.getConversation(conversationId);
    if (!conversation) throw notFound('Conversation');
    if (conversation.kind !== 'group') throw forbidden('A direct conversation has fixed members and no title');
    return conversation;
  }
}

const ActivityKey = Type.Object({ activityAt: CursorFields.integer, id: CursorFields.id }, { additionalProperties: false });
