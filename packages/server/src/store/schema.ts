import type { Generated } from 'kysely';

/** Kysely table types: the columns as both engines store them (timestamps are epoch ms). */
export interface Database {
  users: {
    id: string;
    username: string;
    username_lower: string;
    display_name: string;
    bio: string;
    email: string | null;
    is_admin: number;
    password_hash: string;
    created_at: number;
    hide_last_seen: Generated<number>;
    last_seen_at: number | null;
    /** Position of the newest event of the user's private stream. */
    stream_pos: Generated<number>;
  };
  sessions: {
    id: string;
    user_id: string;
    created_at: number;
    revoked_at: number | null;
  };
  refresh_tokens: {
    token_hash: string;
    session_id: string;
    expires_at: number;
    spent_at: number | null;
  };
  conversations: {
    id: string;
    kind: 'direct' | 'group';
    title: string | null;
    direct_key: string | null;
    created_by: string;
    created_at: number;
    last_seq: number;
    last_activity_at: number;
    member_count: number;
    last_pos: Generated<number>;
  };
  members: {
    conversation_id: string;
    user_id: string;
    role: 'owner' | 'admin' | 'member';
    joined_at: number;
    read_seq: number;
    joined_pos: Generated<number>;
    delivered_seq: Generated<number>;
    muted: Generated<number>;
    archived_seq: number | null;
    cleared_seq: Generated<number>;
  };
  messages: {
    id: string;
    conversation_id: string;
    seq: number;
    sender_id: string;
    client_id: string;
    body: string;
    created_at: number;
    kind: Generated<'text' | 'system'>;
    edited_at: number | null;
    deleted_at: number | null;
    reply_to_id: string | null;
    thread_root_id: string | null;
    reply_count: Generated<number>;
    last_reply_at: number | null;
    /** JSON: [{emoji, userIds}] by first use. */
    reactions: Generated<string>;
    /** JSON: the mentioned user ids. */
    mentions: Generated<string>;
    pinned_at: number | null;
    pinned_by: string | null;
    /** A system message's SystemInfo as JSON (null for the others). */
    system: string | null;
  };
  message_edits: {
    message_id: string;
    /** 1, 2, 3 … per message: the order the versions were replaced in. */
    version: number;
    body: string;
    /** When an edit replaced this body. */
    edited_at: number;
  };
  message_mentions: {
    message_id: string;
    user_id: string;
    conversation_id: string;
    seq: number;
  };
  notifications: {
    id: string;
    user_id: string;
    kind: 'mention' | 'reply' | 'thread_reply' | 'reaction' | 'added_to_conversation';
    conversation_id: string;
    message_id: string | null;
    actor_id: string;
    created_at: number;
    read_at: number | null;
  };
  invites: {
    id: string;
    token_hash: string;
    created_by: string | null;
    created_at: number;
    expires_at: number;
    used_at: number | null;
    used_by: string | null;
  };
  blocks: {
    blocker_id: string;
    blocked_id: string;
    created_at: number;
  };
  stream_head: {
    id: number;
    epoch: string;
    pos: number;
    floor: number;
  };
  events: {
    pos: number;
    conversation_id: string;
    subject_user_id: string | null;
    created_at: number;
    /** The protocol event as JSON, its `pos`, `prev` and `cursor` included. */
    payload: string;
  };
}
