import Type from 'typebox';
import type { ThreadListQuery, ThreadPage } from '@confab/protocol';
import { invalid, notFound } from '../../errors.js';
import type { MessageRecord, Store, ThreadStateRecord } from '../../store/store.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import type { EventPublisher } from '../events/event-publisher.js';
import { threadRead, threadUpdated } from '../events/event-drafts.js';
import type { MembershipCache } from '../conversations/membership.js';
import { messageView } from '../views.js';

/**
 * Threads' own read state (issue 35 item 2): my read position in each thread, which threads I
 * follow, and the list of a conversation's threads. Each change is a `thread.read` or
 * `thread.updated` in my private stream, so my other devices (and one that resumes) apply it.
 * Who follows automatically is decided in the append (store/sql/threads.ts): the root's author,
 * every replier, everyone mentioned in the thread.
 */
export class ThreadService {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly events: EventPublisher,
    private readonly pageSize: number,
  ) {}

  async list(userId: string, conversationId: string, query: ThreadListQuery): Promise<ThreadPage> {
    await this.membership.requireRole(conversationId, userId);
    const limit = query.limit ?? this.pageSize;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ThreadKey);
    const rows = await this.store.threads.list(conversationId, userId, {
      limit: limit + 1,
      followed: query.followed ?? false,
      ...(after ? { after } : {}),
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map((r) => ({
        root: messageView(r.root),
        replyCount: r.root.replyCount,
        lastReplyAt: r.root.lastReplyAt === null ? null : new Date(r.root.lastReplyAt).toISOString(),
        unreadCount: r.unreadCount,
        following: r.following,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor({ lastReplyAt: last.root.lastReplyAt ?? 0, id: last.root.id }) : null,
    };
  }

  /** I have read the thread up to `seq` (capped at its newest reply; never back). */
  async markRead(userId: string, rootId: string, seq: number): Promise<ThreadStateRecord> {
    const root = await this.root(userId, rootId);
    const { events, ...state } = await this.store.threads.markRead(root, userId, seq, threadRead);
    await this.events.publish(events);
    return state;
  }

  async setFollowing(userId: string, rootId: string, following: boolean): Promise<ThreadStateRecord> {
    const root = await this.root(userId, rootId);
    const { events, ...state } = await this.store.threads.setFollowing(root, userId, following, threadUpdated);
    await this.events.publish(events);
    return state;
  }

  /** The root, to a member of its conversation (404 otherwise, as for a message that does not exist); 400 for a thread reply. */
  private async root(userId: string, rootId: string): Promise<MessageRecord> {
    const root = await this.store.messages.getMessage(rootId);
    const role = root && (await this.membership.members(root.conversationId)).get(userId);
    if (!root || role === undefined) throw notFound('Message');
    if (root.threadRootId !== null) throw invalid('This message is a thread reply, not a thread root');
    return root;
  }
}

/** A decoded cursor of this list: the last root's (last reply time, id), checked field by field. */
const ThreadKey = Type.Object({ lastReplyAt: CursorFields.integer, id: CursorFields.id }, { additionalProperties: false });
