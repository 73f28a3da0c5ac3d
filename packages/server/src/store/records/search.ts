import type { ConversationKind } from '@confab/protocol';
import type { SearchTerms } from '../search-tokens.js';
import type { MessageRecord } from './messages.js';

/** What message search and search by conversation name take and give. Timestamps are epoch ms. */

/**
 * A full-text search of the messages `userId` may read: members' conversations only, after their
 * cleared seq, never deleted or system messages. Matches come newest first by the engine's
 * `key` (opaque: SQLite's rowid, PostgreSQL's id), between `below`/`upTo` and `from`.
 */
export interface MessageSearch {
  userId: string;
  terms: SearchTerms;
  conversationId?: string;
  senderId?: string;
  /** Sent strictly after / before (epoch ms). */
  after?: number;
  before?: number;
  /** Keys strictly below this one. */
  below?: string;
  /** Keys at or below this one. */
  upTo?: string;
  /** Keys at or above this one. */
  from?: string;
  limit: number;
}

export interface SearchHit {
  message: MessageRecord;
  /** The match's place in the engine's newest-first order, for the next window. */
  key: string;
}

/** One of my conversations as search by name sees it: its title, or the other member's names. */
export interface ConversationName {
  conversationId: string;
  kind: ConversationKind;
  title: string | null;
  lastActivityAt: number;
  peerUsername: string | null;
  peerDisplayName: string | null;
}
