import {
  type ConversationInfo,
  type ConversationSummary,
  type Draft,
  type HeldMessage,
  type Me,
  type Member,
  type Message,
  type Notification,
  type ScheduledMessage,
  type User,
  replyExcerpt,
} from '@confab/protocol';
import type {
  ConversationListRow,
  ConversationRecord,
  DraftRecord,
  MemberRecord,
  MessageRecord,
  MlsRecord,
  NewMessage,
  NotificationRecord,
  ScheduledRecord,
  UserRecord,
} from '../store/store.js';
import { pollView } from './messaging/polls.js';
import { previewView } from './messaging/link-preview-rules.js';

/** Store records → the wire shapes of @confab/protocol. */
let lastMs = Number.NaN;
let lastIso = '';
/**
 * An epoch-ms time as ISO 8601. The last answer is kept: a send formats its message's time for its
 * event and again for its answer, and a batch's messages often share a millisecond.
 */
const iso = (ms: number): string => {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
};

/** The picture's URL, versioned so a cache may keep it for good (routes/users.ts serves it). */
export const avatarUrl = (u: UserRecord): string | null =>
  u.avatarVersion === null || u.deletedAt !== null ? null : `/api/v1/users/${u.id}/avatar?v=${String(u.avatarVersion)}`;

export const userView = (u: UserRecord): User => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  bio: u.bio,
  ...(u.timeZone === null ? {} : { timeZone: u.timeZone }),
  avatarUrl: avatarUrl(u),
  createdAt: iso(u.createdAt),
  ...(u.deletedAt === null ? {} : { deleted: true as const }),
  ...(u.deactivatedAt === null ? {} : { deactivated: true as const }),
});

export const meView = (u: UserRecord): Me => ({
  ...userView(u),
  email: u.email,
  emailVerified: u.emailVerified,
  isAdmin: u.isAdmin,
  hideLastSeen: u.hideLastSeen,
  ...(u.locale === null ? {} : { locale: u.locale }),
});

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/**
 * A message as a reader sees it. A forwarded copy names the conversation it came from only to
 * readers who are members there: `sourcesOfReader` holds those of the copies' source
 * conversations this reader belongs to (without it, as in events every member shares, none is named).
 */
export const messageView = (m: MessageRecord, sourcesOfReader?: ReadonlySet<string>): Message => ({
  id: m.id,
  conversationId: m.conversationId,
  seq: m.seq,
  senderId: m.senderId,
  clientId: m.clientId,
  kind: m.kind,
  // An MLS message has no body: its ciphertext envelope instead (issue 39).
  ...(m.mls ? encryptedEnvelope(m.mls, m.logPos) : { body: m.body }),
  createdAt: iso(m.createdAt),
  editedAt: isoOrNull(m.editedAt),
  deletedAt: isoOrNull(m.deletedAt),
  replyToId: m.replyToId,
  replyTo: m.replyTo && {
    id: m.replyTo.id,
    senderId: m.replyTo.senderId,
    excerpt: m.replyTo.deleted ? '' : replyExcerpt(m.replyTo.body),
    deleted: m.replyTo.deleted,
    seq: m.replyTo.seq,
  },
  threadRootId: m.threadRootId,
  replyCount: m.replyCount,
  lastReplyAt: isoOrNull(m.lastReplyAt),
  reactions: m.reactions.map((r) => ({ emoji: r.emoji, count: r.userIds.length, userIds: r.userIds })),
  mentions: m.mentions,
  pinnedAt: isoOrNull(m.pinnedAt),
  pinnedBy: m.pinnedBy,
  ...(m.system ? { system: m.system } : {}),
  ...(m.location ? { location: { ...m.location, liveUntil: isoOrNull(m.location.liveUntil) } } : {}),
  ...(m.attachments ? { attachments: m.attachments.map((a) => ({ ...a })) } : {}),
  ...(m.voice ? { voice: m.voice } : {}),
  ...(m.poll ? { poll: pollView(m.poll) } : {}),
  ...(m.preview ? { preview: previewView(m.id, m.preview) } : {}),
  ...(m.forwardedFrom
    ? {
        forwardedFrom: {
          ...(sourcesOfReader?.has(m.forwardedFrom.conversationId) ? { conversationId: m.forwardedFrom.conversationId } : {}),
          senderId: m.forwardedFrom.senderId,
          sentAt: iso(m.forwardedFrom.sentAt),
        },
      }
    : {}),
});

/** What a client that does not decrypt sees of an MLS message: `{encrypted: true, ciphertext, epoch, senderDevice}`. */
const encryptedEnvelope = (mls: MlsRecord, logPos: number | undefined) => ({
  encrypted: true as const,
  mls: mls.type,
  ciphertext: mls.ciphertext,
  epoch: mls.epoch,
  senderDevice: mls.senderDevice,
  ...(mls.devices ? { devices: mls.devices } : {}),
  ...(mls.relatesTo ? { relatesTo: mls.relatesTo } : {}),
  ...(logPos !== undefined ? { logPos } : {}),
});

export const memberView = (m: MemberRecord): Member => ({ userId: m.userId, role: m.role, joinedAt: iso(m.joinedAt) });

export const conversationInfoView = (c: ConversationRecord): ConversationInfo => ({
  id: c.id,
  kind: c.kind,
  title: c.title,
  createdBy: c.createdBy,
  createdAt: iso(c.createdAt),
  lastSeq: c.lastSeq,
  lastActivityAt: iso(c.lastActivityAt),
  memberCount: c.memberCount,
  encrypted: c.encrypted,
  ...(c.description ? { description: c.description } : {}),
});

export const conversationSummaryView = (row: ConversationListRow): ConversationSummary => ({
  ...conversationInfoView(row.conversation),
  myRole: row.member.role,
  readSeq: row.member.readSeq,
  lastPos: row.conversation.lastPos,
  unreadCount: row.unreadCount,
  mentionCount: row.mentionCount,
  unreadThreads: row.unreadThreads,
  lastMessage: row.lastMessage && messageView(row.lastMessage),
  peerId: row.peerId,
  ...row.settings,
});

export const notificationView = (n: NotificationRecord): Notification => ({
  id: n.id,
  kind: n.kind,
  conversationId: n.conversationId,
  messageId: n.messageId,
  actorId: n.actorId,
  createdAt: iso(n.createdAt),
  readAt: n.readAt === null ? null : iso(n.readAt),
});

export const draftView = (d: DraftRecord): Draft => ({
  conversationId: d.conversationId,
  body: d.body,
  replyToId: d.replyToId,
  version: d.version,
  updatedAt: iso(d.updatedAt),
});

export const scheduledView = (s: ScheduledRecord): ScheduledMessage => ({
  id: s.id,
  conversationId: s.conversationId,
  clientId: s.clientId,
  kind: 'text',
  body: s.body,
  replyToId: s.replyToId,
  threadRootId: s.threadRootId,
  scheduledAt: iso(s.scheduledAt),
  createdAt: iso(s.createdAt),
});

/** What a held message shows (it has no seq: it is in no conversation yet). */
export const heldView = (m: NewMessage): HeldMessage => ({
  id: m.id,
  conversationId: m.conversationId,
  senderId: m.senderId,
  clientId: m.clientId,
  kind: m.kind ?? 'text',
  body: m.body,
  createdAt: new Date(m.createdAt).toISOString(),
  replyToId: m.replyToId ?? null,
  threadRootId: m.threadRootId ?? null,
});
