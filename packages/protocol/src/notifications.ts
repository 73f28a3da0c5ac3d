import Type, { type Static } from 'typebox';
import { Id, Timestamp } from './primitives.js';

export const NotificationKind = Type.Union(
  [
    Type.Literal('mention'),
    Type.Literal('reply'),
    Type.Literal('thread_reply'),
    Type.Literal('reaction'),
    Type.Literal('added_to_conversation'),
  ],
  { description: 'What happened: I was mentioned, replied to, answered in a thread I am in, reacted to, or added to a conversation' },
);
export type NotificationKind = Static<typeof NotificationKind>;

/** Something someone else did that concerns me. Never about my own actions. */
export const Notification = Type.Object(
  {
    id: Id,
    kind: NotificationKind,
    conversationId: Id,
    messageId: Type.Union([Id, Type.Null()], { description: 'The message concerned (null for added_to_conversation)' }),
    actorId: Id,
    createdAt: Timestamp,
    readAt: Type.Union([Timestamp, Type.Null()]),
  },
  { title: 'Notification' },
);
export type Notification = Static<typeof Notification>;
