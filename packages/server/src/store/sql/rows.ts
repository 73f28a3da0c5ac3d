import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { SystemInfo, VoiceInfo } from '@confab/protocol';
import type {
  AttachmentRecord,
  ConversationRecord,
  LocationRecord,
  MemberRecord,
  MessageRecord,
  ReactionRecord,
  SessionRecord,
  UploadRecord,
  UserRecord,
} from '../store.js';
import { CONTENT_KEYS, type ContentRecord, shownToPeople } from '../records.js';

/** The query layer's handle: the Kysely instance or a transaction of it. */
export type Db = Kysely<Database>;

/** The constraint name when `error` is the engine's unique-constraint violation, else undefined. */
export type UniqueViolationOf = (error: unknown) => string | undefined;

// Rows → records: numbers read back as numbers on both engines, flags as booleans.

export function toUser(row: Selectable<Database['users']>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    bio: row.bio,
    timeZone: row.time_zone ?? null,
    email: row.email,
    isAdmin: Number(row.is_admin) === 1,
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
    hideLastSeen: Number(row.hide_last_seen) === 1,
    locale: row.locale ?? null,
    lastSeenAt: row.last_seen_at === null ? null : Number(row.last_seen_at),
    emailVerified: row.email_verified_at !== null,
    deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
    deactivatedAt: row.deactivated_at === null ? null : Number(row.deactivated_at),
    avatarVersion: row.avatar_version === null ? null : Number(row.avatar_version),
  };
}

export function toSession(row: Selectable<Database['sessions']>): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

export function toConversation(row: Selectable<Database['conversations']>): ConversationRecord {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    directKey: row.direct_key,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    lastSeq: Number(row.last_seq),
    lastActivityAt: Number(row.last_activity_at),
    memberCount: Number(row.member_count),
    lastPos: Number(row.last_pos),
    encrypted: Number(row.encrypted) === 1,
    ...(row.description ? { description: row.description } : {}),
  };
}

export function toMember(row: Selectable<Database['members']>): MemberRecord {
  return {
    conversationId: row.conversation_id,
    userId: row.user_id,
    role: row.role,
    joinedAt: Number(row.joined_at),
    readSeq: Number(row.read_seq),
    deliveredSeq: Number(row.delivered_seq),
  };
}

/** A message row as a record; `replyTo` is filled in by `withQuotes` (sql/message-changes.ts). */
export function toMessage(row: Selectable<Database['messages']>): MessageRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    clientId: row.client_id,
    kind: row.kind,
    body: row.body,
    createdAt: Number(row.created_at),
    editedAt: nullableNumber(row.edited_at),
    deletedAt: nullableNumber(row.deleted_at),
    replyToId: row.reply_to_id,
    replyTo: null,
    threadRootId: row.thread_root_id,
    replyCount: Number(row.reply_count),
    lastReplyAt: nullableNumber(row.last_reply_at),
    reactions: JSON.parse(row.reactions) as ReactionRecord[],
    mentions: JSON.parse(row.mentions) as string[],
    pinnedAt: nullableNumber(row.pinned_at),
    pinnedBy: row.pinned_by,
    ...(row.system ? { system: JSON.parse(row.system) as SystemInfo } : {}),
    ...(row.location ? { location: JSON.parse(row.location) as LocationRecord } : {}),
    ...(row.attachments ? { attachments: JSON.parse(row.attachments) as AttachmentRecord[] } : {}),
    ...(row.voice ? { voice: JSON.parse(row.voice) as VoiceInfo } : {}),
    ...(row.content ? (JSON.parse(row.content) as ContentRecord) : {}),
    // A position is at least 1; a read that lists its columns may leave this one out.
    ...(row.log_pos ? { logPos: Number(row.log_pos) } : {}),
  };
}

/**
 * The `content` and `due_at` columns of a message: its ContentRecord fields as one JSON object
 * (null without any), and when the server has to look at it again by itself (an open poll's
 * `closesAt`). Written on insert and on every change, from the record as it is then.
 */
export function contentColumns(m: MessageRecord): { content: string | null; due_at: number | null } {
  const content: Record<string, unknown> = {};
  for (const key of CONTENT_KEYS) if (m[key] !== undefined) content[key] = m[key];
  const poll = m.poll;
  return {
    content: Object.keys(content).length === 0 ? null : JSON.stringify(content),
    due_at: poll && poll.closedAt === null && poll.closesAt !== null && m.deletedAt === null ? poll.closesAt : null,
  };
}

/** The row a new message is stored as. */
export function messageRow(m: MessageRecord): Insertable<Database['messages']> {
  return {
    id: m.id,
    conversation_id: m.conversationId,
    seq: m.seq,
    sender_id: m.senderId,
    client_id: m.clientId,
    kind: m.kind,
    body: m.body,
    created_at: m.createdAt,
    edited_at: m.editedAt,
    deleted_at: m.deletedAt,
    reply_to_id: m.replyToId,
    thread_root_id: m.threadRootId,
    reply_count: m.replyCount,
    last_reply_at: m.lastReplyAt,
    reactions: JSON.stringify(m.reactions),
    mentions: JSON.stringify(m.mentions),
    pinned_at: m.pinnedAt,
    pinned_by: m.pinnedBy,
    system: m.system ? JSON.stringify(m.system) : null,
    location: m.location ? JSON.stringify(m.location) : null,
    attachments: m.attachments ? JSON.stringify(m.attachments) : null,
    voice: m.voice ? JSON.stringify(m.voice) : null,
    ...contentColumns(m),
    shown: shownToPeople(m) ? 1 : 0,
    // Known only once the log numbers it (message-append.ts `keepLogPositions`): null as inserted.
    log_pos: m.logPos ?? null,
  };
}

export function toUpload(row: Selectable<Database['uploads']>): UploadRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    filename: row.filename,
    contentType: row.content_type,
    size: Number(row.size),
    sha256: row.sha256,
    width: nullableNumber(row.width),
    height: nullableNumber(row.height),
    durationMs: nullableNumber(row.duration_ms),
    blobKey: row.blob_key,
    thumbnailKey: row.thumbnail_key,
    createdAt: Number(row.created_at),
  };
}

const nullableNumber = (value: number | null): number | null => (value === null ? null : Number(value));
