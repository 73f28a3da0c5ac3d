import Type, { type Static } from 'typebox';
import { Message } from './messages.js';
import { Id, Page } from './primitives.js';
import { Timestamp } from './primitives.js';
import { Identifier } from './strings.js';

/**
 * Threads' own read state (issue 35 item 2): a thread reply that is not also in the main timeline
 * counts in its thread, not in the conversation's `unreadCount`. The calls: list a
 * conversation's threads, mark a thread read, follow or unfollow it.
 */

const strict = { additionalProperties: false } as const;

export const ThreadListQuery = Type.Object(
  {
    followed: Type.Optional(Type.Boolean({ description: 'Only the threads I follow' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    cursor: Type.Optional(Identifier({ minLength: 1, maxLength: 512, description: 'A `nextCursor` from the previous page' })),
  },
  strict,
);
export type ThreadListQuery = Static<typeof ThreadListQuery>;

export const ThreadSummary = Type.Object(
  {
    root: Message,
    replyCount: Type.Integer({ minimum: 0 }),
    lastReplyAt: Type.Union([Timestamp, Type.Null()], { description: 'The newest reply' }),
    unreadCount: Type.Integer({ minimum: 0, description: 'Replies from others after my read position in the thread' }),
    following: Type.Boolean({
      description:
        "Whether the thread counts in my conversation's `unreadThreads` (the root's author, repliers and those mentioned follow it)",
    }),
  },
  { title: 'ThreadSummary' },
);
export type ThreadSummary = Static<typeof ThreadSummary>;
export const ThreadPage = Page(ThreadSummary, 'ThreadPage');
export type ThreadPage = Static<typeof ThreadPage>;

export const ThreadReadBody = Type.Object(
  {
    seq: Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: "I have read the thread's replies up to this seq (capped at its newest reply; never moves back)",
    }),
  },
  strict,
);
export type ThreadReadBody = Static<typeof ThreadReadBody>;

/** My state of a thread, as `thread.read` and `thread.updated` carry it. */
export const ThreadState = {
  conversationId: Id,
  rootId: Id,
  readSeq: Type.Integer({ minimum: 0, description: 'My read position in the thread' }),
  unreadCount: Type.Integer({ minimum: 0, description: 'Replies from others after it' }),
  following: Type.Boolean(),
  unreadThreads: Type.Integer({ minimum: 0, description: "The conversation's `unreadThreads` for me now" }),
};
