import type { Generated } from 'kysely';
import type { MessageRecord } from '../records.js';

/** Messages and what hangs off them: earlier versions, mentions, uploads and their links, saved and scheduled messages. */
export interface MessageTables {
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
    /**
     * SQLite only: null while the body's search tokens are to be made by the indexer (every send
     * since migration 0049, which then puts them in the FTS5 index only), '' when it has none, or
     * the tokens, space-separated, of a message stored so by an earlier version or the re-index job
     * (store/sqlite/search-notes.ts).
     */
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
    /** An MLS message: its `message.created` event's position, set as the log numbers it (0043); null for the others. */
    log_pos: number | null;
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
  saved_messages: {
    user_id: string;
    message_id: string;
    conversation_id: string;
    saved_at: number;
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
}
