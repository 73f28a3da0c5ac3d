import Type, { type Static } from 'typebox';
import { Message } from './messages.js';
import { Id, Timestamp } from './primitives.js';

export const ConversationKind = Type.Union([Type.Literal('direct'), Type.Literal('group')]);
export type ConversationKind = Static<typeof ConversationKind>;

// An enum rather than a union of literals: one error for a bad value, not one per member.
export const Role = Type.Enum(['owner', 'admin', 'member']);
export type Role = Static<typeof Role>;

export const Member = Type.Object(
  {
    userId: Id,
    role: Role,
    joinedAt: Timestamp,
  },
  { title: 'Member' },
);
export type Member = Static<typeof Member>;

/** What every member sees alike; carried by realtime events. */
export const ConversationInfo = Type.Object(
  {
    id: Id,
    kind: ConversationKind,
    title: Type.Union([Type.String(), Type.Null()]),
    createdBy: Id,
    createdAt: Timestamp,
    lastSeq: Type.Integer({ minimum: 0 }),
    lastActivityAt: Timestamp,
    memberCount: Type.Integer({ minimum: 0 }),
    encrypted: Type.Boolean({
      description: 'End-to-end encrypted (MLS): the server holds only ciphertext; never turned off once on',
    }),
    description: Type.Optional(
      Type.String({ maxLength: 250, description: "A group's description (an imported channel's topic); absent without one" }),
    ),
  },
  { title: 'ConversationInfo' },
);
export type ConversationInfo = Static<typeof ConversationInfo>;

/** My own settings of a conversation: nobody else sees them. */
export const ConversationSettings = Type.Object(
  {
    muted: Type.Boolean({ description: 'Muted: still counts unread, but notifies me only when I am mentioned' }),
    starred: Type.Boolean({ description: 'Starred: pinned to the top of my list' }),
    archived: Type.Boolean({ description: 'Hidden from my list (unless `?archived=include`) until a new message arrives' }),
    clearedSeq: Type.Integer({
      minimum: 0,
      description: 'I cleared my history up to this seq: my history, thread listings and lastMessage start after it',
    }),
  },
  { title: 'ConversationSettings' },
);
export type ConversationSettings = Static<typeof ConversationSettings>;

/** One entry of my conversation list: the shared info plus my own view of it. */
export const ConversationSummary = Type.Object(
  {
    ...ConversationInfo.properties,
    myRole: Role,
    readSeq: Type.Integer({ minimum: 0, description: 'My read marker: I have read up to this seq' }),
    lastPos: Type.Integer({ minimum: 0, description: "`pos` of the conversation's newest event (compare with `heads`)" }),
    unreadCount: Type.Integer({
      minimum: 0,
      description: 'Main-timeline messages from others after my read marker (thread-only replies count in their thread)',
    }),
    mentionCount: Type.Integer({ minimum: 0, description: 'Unread messages that mention me, in the main timeline or a thread' }),
    unreadThreads: Type.Integer({ minimum: 0, description: 'Threads I follow that have replies I have not read' }),
    lastMessage: Type.Union([Message, Type.Null()]),
    peerId: Type.Union([Id, Type.Null()], { description: 'The other user of a direct conversation' }),
    ...ConversationSettings.properties,
  },
  { title: 'ConversationSummary' },
);
export type ConversationSummary = Static<typeof ConversationSummary>;

export const ConversationDetail = Type.Object(
  {
    ...ConversationSummary.properties,
    members: Type.Array(Member),
  },
  { title: 'ConversationDetail' },
);
export type ConversationDetail = Static<typeof ConversationDetail>;

export const ReadMarker = Type.Object(
  {
    conversationId: Id,
    userId: Id,
    readSeq: Type.Integer({ minimum: 0 }),
    unreadCount: Type.Integer({ minimum: 0 }),
    mentionCount: Type.Integer({ minimum: 0, description: 'Unread messages that mention this member' }),
  },
  { title: 'ReadMarker' },
);
export type ReadMarker = Static<typeof ReadMarker>;
