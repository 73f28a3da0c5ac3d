import type { Generated } from 'kysely';

/** Conversations, their members, and each member's own state of them (drafts, threads read and followed). */
export interface ConversationTables {
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
  /** Each user's draft of each conversation (issue 37): store/sql/drafts.ts. */
  drafts: {
    user_id: string;
    conversation_id: string;
    body: string;
    reply_to_id: string | null;
    version: number;
    updated_at: number;
  };
  /** Each user's own state of a thread (issue 35 item 2): store/sql/threads.ts. */
  thread_reads: {
    root_id: string;
    user_id: string;
    conversation_id: string;
    following: number;
    read_seq: number;
  };
}
