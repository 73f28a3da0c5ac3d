import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { ConversationRecord, MemberRecord, MessageRecord, SessionRecord, UserRecord } from '../store.js';

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
    email: row.email,
    isAdmin: Number(row.is_admin) === 1,
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
    hideLastSeen: Number(row.hide_last_seen) === 1,
    lastSeenAt: row.last_seen_at === null ? null : Number(row.last_seen_at),
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

export function toMessage(row: Selectable<Database['messages']>): MessageRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    clientId: row.client_id,
    body: row.body,
    createdAt: Number(row.created_at),
  };
}
