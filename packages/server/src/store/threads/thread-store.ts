import type { MessageRecord } from '../records.js';
import type { Draft, StoredEvent } from '../store.js';

/** My state of one thread (issue 35 item 2). */
export interface ThreadStateRecord {
  conversationId: string;
  rootId: string;
  following: boolean;
  /** The seq of the newest reply I have read (0: none). */
  readSeq: number;
  /** Replies from others after `readSeq`. */
  unreadCount: number;
  /** The conversation's threads I follow that have replies I have not read. */
  unreadThreads: number;
}

export interface ThreadListRow {
  root: MessageRecord;
  following: boolean;
  readSeq: number;
  unreadCount: number;
}

/**
 * Thread read state and follows, a sub-store of its own (`store.threads`). The append path's
 * auto-follow step lives beside these (sql/threads.ts `followRepliedThreads`), inside the append
 * transaction.
 */
export interface ThreadStore {
  markRead(
    root: MessageRecord,
    userId: string,
    seq: number,
    announce: Draft<ThreadStateRecord>,
  ): Promise<ThreadStateRecord & { events: StoredEvent[] }>;
  setFollowing(
    root: MessageRecord,
    userId: string,
    following: boolean,
    announce: Draft<ThreadStateRecord>,
  ): Promise<ThreadStateRecord & { events: StoredEvent[] }>;
  getState(root: MessageRecord, userId: string): Promise<ThreadStateRecord>;
  /** Who a new reply concerns: the root's author, the repliers and the followers, less those who unfollowed. */
  audience(root: MessageRecord): Promise<string[]>;
  list(
    conversationId: string,
    userId: string,
    page: { limit: number; followed: boolean; after?: { lastReplyAt: number; id: string } },
  ): Promise<ThreadListRow[]>;
}
