import type { Generated } from 'kysely';

/** People and their sign-in: accounts, sessions, the tokens mailed or refreshed, invites and blocks. */
export interface AccountTables {
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
}
