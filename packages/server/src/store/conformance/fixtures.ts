import type { ConversationInfo, EventDraft, Member, Message } from '@confab/protocol';
import { newId } from '../../ids.js';
import type {
  AppendPlan,
  AppendResult,
  ConversationRecord,
  Draft,
  MemberRecord,
  MessageChange,
  MessageRecord,
  NewMessage,
  NotificationRecord,
  ReadMarkerRecord,
  Store,
  ThreadStateRecord,
  UserRecord,
} from '../store.js';
import { shownToPeople } from '../records.js';
import { previewView } from '../../services/messaging/link-preview-rules.js';
import { pollView } from '../../services/messaging/polls.js';

/**
 * What the conformance sections share: the store under test (a fresh one per test) and factories
 * for its data. The drafts stand in for the services' (the store must log whatever it is given,
 * built from what it stored); they are written here because nothing under store/ may import
 * services/.
 */
export class Fixture {
  store!: Store;
  private clock = 1_700_000_000_000;

  tick = (): number => (this.clock += 1000);
  get now(): number {
    return this.clock;
  }

  user = (username: string, displayName = username): Promise<UserRecord> =>
    this.store.users.insertUser({
      id: newId(),
      username,
      displayName,
      bio: '',
      email: null,
      isAdmin: false,
      passwordHash: 'hash',
      createdAt: this.tick(),
    });

  conversation = (kind: 'direct' | 'group', memberIds: string[], directKey: string | null = null) => {
    const id = newId();
    const now = this.tick();
    return this.store.conversations.createConversation(
      { id, kind, title: kind === 'group' ? 'Group' : null, directKey, createdBy: memberIds[0]!, createdAt: now, lastActivityAt: now },
      memberIds.map((userId, i) => ({ conversationId: id, userId, role: i === 0 && kind === 'group' ? 'owner' : 'member', joinedAt: now })),
      drafts.conversationCreated,
    );
  };

  /** An active device of the user, registered: what an MLS message's `senderDevice` must name as it is numbered. */
  device = async (userId: string, id = newId()): Promise<string> => {
    const at = this.tick();
    const record = {
      id,
      userId,
      name: 'laptop',
      signatureKey: `sig-${id}`,
      credential: `cred-${id}`,
      createdAt: at,
      lastSeenAt: at,
      revokedAt: null,
    };
    await this.store.devices.insertDevice(record);
    return id;
  };

  msg = (conversationId: string, senderId: string, clientId: string, body = clientId): NewMessage => ({
    id: newId(),
    conversationId,
    senderId,
    clientId,
    body,
    createdAt: this.tick(),
  });

  /** Appends as the message service does: announced, and each sender has read what they sent. */
  append = async (batch: NewMessage[], plan: AppendPlan = sendPlan): Promise<AppendResult[]> =>
    (await this.store.messages.appendMessages(batch, plan)).results.map((r) => {
      if ('missingUploadIds' in r) throw new Error(`refused: uploads ${r.missingUploadIds.join(', ')} are gone`);
      if ('epochConflict' in r) throw new Error(`refused: a commit not of the current epoch (${r.epochConflict})`);
      if ('encryptedConversation' in r) throw new Error('refused: a plain message into an encrypted conversation');
      if ('deviceRevoked' in r) throw new Error('refused: an MLS message of a device not active');
      return r;
    });

  /** One message change as a batch of one: its message and events, undefined for no such message; throws what the change threw. */
  update = async (id: string, change: MessageChange, announce: Draft<MessageRecord>) => {
    const { results, events } = await this.store.messages.updateMessages([{ id, change, announce }]);
    const outcome = results[0];
    if (outcome === undefined) return undefined;
    if ('refused' in outcome) throw outcome.refused;
    return { ...outcome, events };
  };

  addMember = (conversationId: string, userId: string, by: string) =>
    this.store.members.addMember({ conversationId, userId, role: 'member', joinedAt: this.tick() }, drafts.memberAdded(by));

  removeMember = (conversationId: string, userId: string, by: string) =>
    this.store.members.removeMember(conversationId, userId, { type: 'member.removed', conversationId, userId, by });

  read = (conversationId: string, userId: string, seq: number) =>
    this.store.markers.advanceReadMarker(conversationId, userId, seq, drafts.readUpdated(conversationId, userId));
}

const iso = (ms: number) => new Date(ms).toISOString();
const info = (c: ConversationRecord): ConversationInfo => ({
  id: c.id,
  kind: c.kind,
  title: c.title,
  createdBy: c.createdBy,
  createdAt: iso(c.createdAt),
  lastSeq: c.lastSeq,
  lastActivityAt: iso(c.lastActivityAt),
  memberCount: c.memberCount,
  encrypted: c.encrypted,
});
const member = (m: MemberRecord): Member => ({ userId: m.userId, role: m.role, joinedAt: iso(m.joinedAt) });
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const message = ({ location, poll, forwardedFrom, preview, mls, ...m }: MessageRecord): Message => ({
  ...m,
  ...(mls
    ? {
        encrypted: true as const,
        mls: mls.type,
        ciphertext: mls.ciphertext,
        epoch: mls.epoch,
        senderDevice: mls.senderDevice,
        ...(mls.relatesTo ? { relatesTo: mls.relatesTo } : {}),
      }
    : {}),
  createdAt: iso(m.createdAt),
  editedAt: isoOrNull(m.editedAt),
  deletedAt: isoOrNull(m.deletedAt),
  lastReplyAt: isoOrNull(m.lastReplyAt),
  pinnedAt: isoOrNull(m.pinnedAt),
  replyTo: m.replyTo && {
    id: m.replyTo.id,
    senderId: m.replyTo.senderId,
    excerpt: m.replyTo.body,
    deleted: m.replyTo.deleted,
    seq: m.replyTo.seq,
  },
  reactions: m.reactions.map((r) => ({ ...r, count: r.userIds.length })),
  ...(location ? { location: { ...location, liveUntil: isoOrNull(location.liveUntil) } } : {}),
  ...(poll ? { poll: pollView(poll) } : {}),
  ...(forwardedFrom ? { forwardedFrom: { senderId: forwardedFrom.senderId, sentAt: iso(forwardedFrom.sentAt) } } : {}),
  ...(preview ? { preview: previewView(m.id, preview) } : {}),
});

export const drafts = {
  conversationCreated: (c: ConversationRecord, members: MemberRecord[]): EventDraft => ({
    type: 'conversation.created',
    conversation: info(c),
    members: members.map(member),
  }),
  conversationUpdated:
    (by: string): Draft<ConversationRecord> =>
    (c) => ({ type: 'conversation.updated', conversation: info(c), by }),
  memberAdded:
    (by: string) =>
    (m: MemberRecord, c: ConversationRecord): EventDraft => ({
      type: 'member.added',
      conversationId: m.conversationId,
      member: member(m),
      conversation: info(c),
      by,
    }),
  memberUpdated:
    (by: string): Draft<MemberRecord> =>
    (m) => ({ type: 'member.updated', conversationId: m.conversationId, member: member(m), by }),
  // Thread read state (issue 35 item 2), as services/event-drafts.ts.
  threadRead: ((t) => ({ type: 'thread.read', ...t })) as Draft<ThreadStateRecord>,
  threadUpdated: ((t) => ({ type: 'thread.updated', ...t })) as Draft<ThreadStateRecord>,
  readUpdated:
    (conversationId: string, userId: string): Draft<ReadMarkerRecord> =>
    (marker) => ({ type: 'read.updated', conversationId, userId, ...marker }),
  messageCreated: ((m) => ({ type: 'message.created', message: message(m) })) as Draft<MessageRecord>,
  messageUpdated: ((m) => ({ type: 'message.updated', message: message(m) })) as Draft<MessageRecord>,
  messageDeleted: ((m) => ({ type: 'message.deleted', message: message(m) })) as Draft<MessageRecord>,
  /** As services/events/event-drafts.ts `notificationCreated`. */
  notificationCreated: ((n) => ({
    type: 'notification.created',
    notification: {
      id: n.id,
      kind: n.kind,
      conversationId: n.conversationId,
      messageId: n.messageId,
      actorId: n.actorId,
      createdAt: iso(n.createdAt),
      readAt: null,
    },
  })) as Draft<NotificationRecord>,
};

/**
 * As services/event-drafts.ts `sendPlan`: a send marks the main timeline read, not a thread reply
 * (issue 35 item 2) nor an MLS commit or welcome (issue 39).
 */
export const sendPlan: AppendPlan = {
  announce: drafts.messageCreated,
  announceRoot: drafts.messageUpdated,
  readBy: (m) => (m.threadRootId === null && shownToPeople(m) ? m.senderId : undefined),
};
