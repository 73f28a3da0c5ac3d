import type { Generated } from 'kysely';
import type { MessageRecord } from './records.js';

/** Kysely table types: the columns as both engines store them (timestamps are epoch ms). */
export interface Database {
  users: {
    id: string;
    username: string;
    username_lower: string;
    /** Confusable skeleton of the username (store/username-skeleton.ts): unique; null on the newer of two look-alikes from before it. */
    username_skeleton: Generated<string | null>;
    display_name: string;
    bio: string;
    /** IANA time zone (validated with Intl by the user service); null until set. */
    time_zone: Generated<string | null>;
    email: string | null;
    is_admin: number;
    password_hash: string;
    created_at: number;
    hide_last_seen: Generated<number>;
    /** BCP 47 language tag (PATCH /users/me), null when unknown: stems a message too short to detect its language. */
    locale: Generated<string | null>;
    last_seen_at: number | null;
    /** Position of the newest event of the user's private stream. */
    stream_pos: Generated<number>;
    /** Bytes of the user's uploads, for UPLOAD_QUOTA_BYTES. */
    upload_bytes: Generated<number>;
    /** `email` lower-cased: unique. */
    email_lower: string | null;
    email_verified_at: number | null;
    /** When the account was erased (its username is held until USERNAME_HOLD_DAYS later). */
    deleted_at: number | null;
    /** Set while an admin has the account deactivated (no sign-in, no refresh). */
    deactivated_at: number | null;
    /** When the picture was set (epoch ms), naming its blobs; null without one (issue 36). */
    avatar_version: Generated<number | null>;
  };
  /** Admin actions and security events (services/admin/audit-log.ts), newest read first. */
  audit_log: {
    id: string;
    at: number;
    type: string;
    actor_id: string | null;
    user_id: string | null;
    ip: string | null;
    /** JSON: the rest of the event. */
    details: string;
  };
  /** Each node's last report of its open sockets (services/admin/node-reports.ts). */
  node_reports: {
    id: string;
    host: string;
    pid: number;
    sockets: number;
    started_at: number;
    reported_at: number;
  };
  sessions: {
    id: string;
    user_id: string;
    created_at: number;
    revoked_at: number | null;
    last_used_at: number | null;
    user_agent: string | null;
    ip: string | null;
  };
  /** Single-use tokens sent by mail; only their SHA-256 is kept. */
  account_tokens: {
    token_hash: string;
    user_id: string;
    purpose: 'password_reset' | 'email_verify' | 'account_claim';
    /** The address an email_verify token confirms. */
    email: string | null;
    created_at: number;
    expires_at: number;
    used_at: number | null;
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
    /** A group's description (an imported channel's topic; issue 37), null without one. */
    description: string | null;
    /** 1: end-to-end encrypted (issue 39), its MLS group in `mls_groups`; never back to 0. */
    encrypted: Generated<number>;
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
    starred: Generated<number>;
    archived_seq: number | null;
    cleared_seq: Generated<number>;
  };
  /** Where the search re-index job is (services/search/reindex-job.ts): one row, `messages`. */
  search_reindex: {
    id: string;
    /** The engine's key (SQLite rowid, else message id) under which messages are still to re-index; null before the first step. */
    below: string | null;
    finished_at: number | null;
  };
  messages: {
    id: string;
    conversation_id: string;
    seq: number;
    sender_id: string;
    client_id: string;
    body: string;
    created_at: number;
    kind: Generated<MessageRecord['kind']>;
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
    /** A location message's LocationRecord as JSON (null for the others). */
    location: Generated<string | null>;
    /** PostgreSQL only: the body's words for search (store/postgres/postgres-search.ts). */
    search_vector?: string | null;
    /** SQLite only: the body's search tokens, space-separated, which FTS5 indexes (store/sqlite/sqlite-search.ts). */
    search_tokens?: string | null;
    /** JSON: the AttachmentRecords an attachment or voice message carries (null for the others). */
    attachments: string | null;
    /** JSON: a voice message's VoiceInfo. */
    voice: string | null;
    /** JSON: what a kind or feature keeps on the row (ContentRecord: a poll, where a forward came from); null: nothing. */
    content: Generated<string | null>;
    /** When the server looks at the message again by itself (a poll's closesAt); null: nothing due. */
    due_at: Generated<number | null>;
    /** 1: a message people read; 0: an MLS commit or welcome, which devices apply: never unread, never a last message (0039). */
    shown: Generated<number>;
  };
  uploads: {
    id: string;
    owner_id: string;
    filename: string;
    content_type: string;
    size: number;
    sha256: string;
    width: number | null;
    height: number | null;
    duration_ms: number | null;
    blob_key: string;
    thumbnail_key: string | null;
    created_at: number;
  };
  message_attachments: {
    message_id: string;
    upload_id: string;
    conversation_id: string;
  };
  message_edits: {
    message_id: string;
    /** 1, 2, 3 … per message: the order the versions were replaced in. */
    version: number;
    body: string;
    /** When an edit replaced this body. */
    edited_at: number;
  };
  /** Import runs (issue 37): store/sql/imports.ts. */
  imports: {
    id: string;
    source: string;
    state: string;
    /** JSON: ImportCounts. */
    counts: string;
    /** JSON: ImportErrorRecord[]. */
    errors: string;
    created_by: string | null;
    created_at: number;
    updated_at: number;
  };
  /** An exported id (source, kind, external id) and the row it became here. */
  import_mappings: {
    source: string;
    kind: string;
    external_id: string;
    local_id: string;
  };
  /** Each user's own state of a thread (issue 35 item 2): store/sql/threads.ts. */
  /** Each user's draft of each conversation (issue 37): store/sql/drafts.ts. */
  drafts: {
    user_id: string;
    conversation_id: string;
    body: string;
    reply_to_id: string | null;
    version: number;
    updated_at: number;
  };
  saved_messages: {
    user_id: string;
    message_id: string;
    conversation_id: string;
    saved_at: number;
  };
  /** Each encrypted conversation's MLS group (issue 39): store/sql/mls-groups.ts. */
  mls_groups: {
    conversation_id: string;
    group_id: string;
    ciphersuite: number;
    epoch: number;
    group_info: string | null;
    updated_at: number;
  };
  /** Each user's devices (issue 39): store/sql/devices.ts. */
  devices: {
    id: string;
    user_id: string;
    name: string;
    signature_key: string;
    credential: string;
    created_at: number;
    last_seen_at: number;
    revoked_at: number | null;
  };
  identity_keys: {
    user_id: string;
    identity_key: string;
    device_list: string;
    signature: string;
    version: number;
    updated_at: number;
  };
  /** A new device's request for my identity key (issue 39 part 4): store/sql/device-links.ts. */
  device_links: {
    id: string;
    user_id: string;
    device_name: string;
    public_key: string;
    state: string;
    sealed: string | null;
    approved_by: string | null;
    created_at: number;
    expires_at: number;
  };
  key_packages: {
    id: string;
    device_id: string;
    ref: string;
    data: string;
    last_resort: number;
    created_at: number;
  };
  /** Each person's Assist switches (issue 40): a row once they change one; absent, all on. */
  assist_settings: {
    user_id: string;
    enabled: number;
    needs_reply: number;
    catch_up: number;
    reply_suggestions: number;
    updated_at: number;
  };
  /** "Needs reply" items a person dismissed (DELETE /api/v1/assist/needs-reply/:messageId). */
  assist_dismissals: {
    user_id: string;
    message_id: string;
    conversation_id: string;
    dismissed_at: number;
  };
  /** Reports of messages to the admins (POST /api/v1/messages/:id/report); `decision` once resolved. */
  assist_reports: {
    id: string;
    message_id: string;
    conversation_id: string;
    sender_id: string;
    reporter_id: string;
    reason: 'spam' | 'abuse' | 'other';
    note: string | null;
    created_at: number;
    resolved_at: number | null;
    resolved_by: string | null;
    decision: 'spam' | 'not_spam' | 'dismiss' | null;
  };
  /** Messages held for review: the send's draft (JSON), delivered only when an admin releases it. */
  assist_held: {
    message_id: string;
    conversation_id: string;
    sender_id: string;
    client_id: string;
    draft: string;
    /** The spam score, in thousandths. */
    score: number;
    created_at: number;
  };
  /** The spam model: per feature, how many spam and how many ordinary messages had it. */
  assist_spam_features: {
    feature: string;
    spam: number;
    ham: number;
  };
  scheduled_messages: {
    id: string;
    user_id: string;
    conversation_id: string;
    client_id: string;
    body: string;
    reply_to_id: string | null;
    thread_root_id: string | null;
    scheduled_at: number;
    created_at: number;
    status: Generated<'pending' | 'sent' | 'failed'>;
    message_id: string | null;
    claim_token: string | null;
    claimed_until: number | null;
    attempts: Generated<number>;
  };
  thread_reads: {
    root_id: string;
    user_id: string;
    conversation_id: string;
    following: number;
    read_seq: number;
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
  notification_outbox: {
    id: string;
    notification_id: string;
    channel: 'webhook' | 'push';
    user_id: string;
    endpoint: string | null;
    payload: string;
    status: Generated<'pending' | 'dead'>;
    attempts: Generated<number>;
    next_attempt_at: number;
    claimed_until: number | null;
    claim_token: string | null;
    last_error: string | null;
    created_at: number;
  };
  push_subscriptions: {
    endpoint: string;
    user_id: string;
    p256dh: string;
    auth: string;
    created_at: number;
  };
  server_keys: {
    name: string;
    value: string;
    created_at: number;
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
    /** The message the event carries (message.created, .updated, .deleted), else null: what erasing a body looks up. */
    message_id: string | null;
  };
}
