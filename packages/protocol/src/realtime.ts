import Type, { type Static } from 'typebox';
import { ErrorDetail } from './errors.js';
import { ClientId, MessageBody, ReactionParams, Seq } from './api.js';
import { Identifier } from './strings.js';
import { LocationInput } from './locations.js';
import { SendContentFields } from './files.js';
import { ConversationInfo, ConversationSettings, Id, Member, Message, Notification, Timestamp } from './models.js';

/** Correlates a client frame with the server's `ack` or `error` answer. */
export const FrameId = Identifier({ minLength: 1, maxLength: 64 });
const strict = { additionalProperties: false } as const;

/** The `type` literals of a union of frames or events, in the union's order: derived, so never out of step with it. */
function typesOf<T extends string>(union: { anyOf: readonly { properties: { type: { const: T } } }[] }): readonly T[] {
  return union.anyOf.map((member) => member.properties.type.const);
}

// ---- client → server ----
export const MessageSendFrame = Type.Object(
  {
    type: Type.Literal('message.send'),
    id: FrameId,
    conversationId: Id,
    clientId: ClientId,
    body: Type.Optional(MessageBody),
    location: Type.Optional(LocationInput),
    replyToId: Type.Optional(Id),
    threadRootId: Type.Optional(Id),
    ...SendContentFields,
  },
  { ...strict, description: 'The body of `POST /api/v1/conversations/:id/messages`, with the conversation' },
);
export type MessageSendFrame = Static<typeof MessageSendFrame>;

/** Application-level keep-alive for clients (browsers) that cannot send WebSocket pings. */
export const PingFrame = Type.Object({ type: Type.Literal('ping'), id: Type.Optional(FrameId) }, strict);
export type PingFrame = Static<typeof PingFrame>;

/** "I am typing" (true, repeated every few seconds while typing) or "I stopped" (false). */
export const TypingFrame = Type.Object(
  { type: Type.Literal('typing'), id: Type.Optional(FrameId), conversationId: Id, typing: Type.Boolean() },
  strict,
);
export type TypingFrame = Static<typeof TypingFrame>;

/** Delivery receipt: this device has received the conversation's messages up to `seq`. */
export const DeliveredFrame = Type.Object(
  { type: Type.Literal('delivered'), id: Type.Optional(FrameId), conversationId: Id, seq: Seq },
  strict,
);
export type DeliveredFrame = Static<typeof DeliveredFrame>;

/** Read receipt: the same as `POST /api/v1/conversations/:id/read`; answered with `ack` when `id` is given. */
export const ReadFrame = Type.Object({ type: Type.Literal('read'), id: Type.Optional(FrameId), conversationId: Id, seq: Seq }, strict);
export type ReadFrame = Static<typeof ReadFrame>;

/** The twins of PATCH and DELETE /api/v1/messages/:id and of PUT/DELETE …/reactions/:emoji; answered with `ack` carrying the message. */
export const MessageEditFrame = Type.Object({ type: Type.Literal('message.edit'), id: FrameId, messageId: Id, body: MessageBody }, strict);
export type MessageEditFrame = Static<typeof MessageEditFrame>;
export const MessageDeleteFrame = Type.Object({ type: Type.Literal('message.delete'), id: FrameId, messageId: Id }, strict);
export type MessageDeleteFrame = Static<typeof MessageDeleteFrame>;
export const ReactionAddFrame = Type.Object(
  { type: Type.Literal('reaction.add'), id: FrameId, messageId: Id, emoji: ReactionParams.properties.emoji },
  strict,
);
export type ReactionAddFrame = Static<typeof ReactionAddFrame>;
export const ReactionRemoveFrame = Type.Object(
  { type: Type.Literal('reaction.remove'), id: FrameId, messageId: Id, emoji: ReactionParams.properties.emoji },
  strict,
);
export type ReactionRemoveFrame = Static<typeof ReactionRemoveFrame>;

export const ClientFrame = Type.Union([
  MessageSendFrame,
  PingFrame,
  TypingFrame,
  DeliveredFrame,
  ReadFrame,
  MessageEditFrame,
  MessageDeleteFrame,
  ReactionAddFrame,
  ReactionRemoveFrame,
]);
export type ClientFrame = Static<typeof ClientFrame>;
export const CLIENT_FRAME_TYPES = typesOf(ClientFrame);

// ---- server → client: replies ----
/** Resume position: `<epoch>.<pos>`. Opaque to clients; compare epochs only through the server's answers. */
export const SyncCursor = Identifier({ minLength: 1, maxLength: 128, description: 'Resume position: `<epoch>.<pos>`' });
/** The cursor of position `pos` in the log of `epoch`: resume after it. */
export const encodeSyncCursor = (epoch: string, pos: number): string => `${epoch}.${pos}`;
export const SyncReset = Type.Union([Type.Literal('expired'), Type.Literal('epoch_mismatch'), Type.Literal('invalid'), Type.Null()], {
  description:
    'Why the `since` cursor could not be resumed (null: it was, or none was given). `expired`: older than the replay window; ' +
    '`epoch_mismatch`: the history it points into no longer exists; `invalid`: unreadable. Re-fetch conversations and pages, then continue from `cursor`.',
});
export type SyncReset = Static<typeof SyncReset>;
/** conversationId → `pos` of its newest event: lets a client find conversations it is behind in. */
export const Heads = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));
export type Heads = Static<typeof Heads>;

export const ReadyFrame = Type.Object({
  type: Type.Literal('ready'),
  userId: Id,
  connectionId: Type.String(),
  cursor: SyncCursor,
  reset: SyncReset,
  heads: Heads,
});
export type ReadyFrame = Static<typeof ReadyFrame>;
/** Sent when the server may have missed live events (its bus reconnected): compare and fill gaps. */
export const HeadsFrame = Type.Object({ type: Type.Literal('heads'), heads: Heads });
export type HeadsFrame = Static<typeof HeadsFrame>;
export const AckFrame = Type.Object({
  type: Type.Literal('ack'),
  id: FrameId,
  message: Type.Optional(Message),
  readSeq: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type AckFrame = Static<typeof AckFrame>;
export const PongFrame = Type.Object({ type: Type.Literal('pong'), id: Type.Optional(FrameId) });
export type PongFrame = Static<typeof PongFrame>;
export const ErrorFrame = Type.Object({
  type: Type.Literal('error'),
  id: Type.Union([FrameId, Type.Null()], { description: 'The id of the frame in error, when it had one' }),
  error: ErrorDetail,
});
export type ErrorFrame = Static<typeof ErrorFrame>;

// ---- server → client: events (the catalogue) ----
// Positioned events are stored in the event log: `pos` is the event's place in the reader's
// stream (resume after it) and `prev` the `pos` of the previous event of the same conversation
// (0 for its first), so a client can tell a gap from a quiet conversation. `cursor` is `pos` as
// a resume cursor, so a client stores it as it is, without assembling one.
const Position = {
  pos: Type.Integer({ minimum: 1, description: 'Position in the event log; resume after it' }),
  prev: Type.Integer({ minimum: 0, description: "`pos` of this conversation's previous event (0: none)" }),
  cursor: SyncCursor,
};

export const MessageCreatedEvent = Type.Object({ type: Type.Literal('message.created'), ...Position, message: Message });
export const ConversationCreatedEvent = Type.Object({
  type: Type.Literal('conversation.created'),
  ...Position,
  conversation: ConversationInfo,
  members: Type.Array(Member),
});
/**
 * The conversation changed (its title: to every member). With `settings`, it is my own mute,
 * archive or clear, sent to my devices only, in my private stream (see `isPrivateEvent`).
 */
export const ConversationUpdatedEvent = Type.Object({
  type: Type.Literal('conversation.updated'),
  ...Position,
  conversation: ConversationInfo,
  by: Id,
  settings: Type.Optional(ConversationSettings),
});
export const MemberAddedEvent = Type.Object({
  type: Type.Literal('member.added'),
  ...Position,
  conversationId: Id,
  member: Member,
  /** The conversation as it is now, so the new member can show it without a round trip. */
  conversation: ConversationInfo,
  by: Id,
});
export const MemberRemovedEvent = Type.Object({
  type: Type.Literal('member.removed'),
  ...Position,
  conversationId: Id,
  userId: Id,
  by: Id,
});
export const MemberUpdatedEvent = Type.Object({
  type: Type.Literal('member.updated'),
  ...Position,
  conversationId: Id,
  member: Member,
  by: Id,
});
/** A member's read marker moved: "read up to readSeq". `unreadCount` is that member's own count. */
export const ReadUpdatedEvent = Type.Object({
  type: Type.Literal('read.updated'),
  ...Position,
  conversationId: Id,
  userId: Id,
  readSeq: Type.Integer({ minimum: 0 }),
  unreadCount: Type.Integer({ minimum: 0 }),
  mentionCount: Type.Integer({ minimum: 0, description: "That member's unread mentions" }),
});

/** A message changed: edited, reacted to, pinned or unpinned, or (a thread root) replied to. Carries the whole message. */
export const MessageUpdatedEvent = Type.Object({ type: Type.Literal('message.updated'), ...Position, message: Message });
/** A message was deleted: `message` is the tombstone (same id and seq, no body, reactions or mentions). */
export const MessageDeletedEvent = Type.Object({ type: Type.Literal('message.deleted'), ...Position, message: Message });

/** A notification for me: in my private stream, to my devices only. */
export const NotificationCreatedEvent = Type.Object({
  type: Type.Literal('notification.created'),
  ...Position,
  notification: Notification,
});

export const PositionedEvent = Type.Union([
  MessageCreatedEvent,
  MessageUpdatedEvent,
  MessageDeletedEvent,
  ConversationCreatedEvent,
  ConversationUpdatedEvent,
  MemberAddedEvent,
  MemberRemovedEvent,
  MemberUpdatedEvent,
  ReadUpdatedEvent,
  NotificationCreatedEvent,
]);
export type PositionedEvent = Static<typeof PositionedEvent>;
export const POSITIONED_EVENT_TYPES = typesOf(PositionedEvent);

/**
 * Events addressed to one user alone (my own conversation settings, my notifications) form
 * that user's private stream: chained by `prev` like a conversation, keyed by the user's own id in
 * `heads`, gap-filled with `GET /api/v1/conversations/<my user id>/events`.
 */
export function isPrivateEvent(event: PositionedEvent): boolean {
  return event.type === 'notification.created' || (event.type === 'conversation.updated' && event.settings !== undefined);
}

/**
 * The conversation a positioned event is about. A private event (`isPrivateEvent`) is ordered in
 * its user's stream, not this conversation's: clients and the gateway key such events by user.
 */
export function conversationOf(event: PositionedEvent): string {
  switch (event.type) {
    case 'message.created':
    case 'message.updated':
    case 'message.deleted':
      return event.message.conversationId;
    case 'conversation.created':
    case 'conversation.updated':
      return event.conversation.id;
    case 'notification.created':
      return event.notification.conversationId;
    default:
      return event.conversationId;
  }
}

// Ephemeral signals: no position, not stored, not replayed.
/** A member's delivery marker moved: a device of theirs has received up to deliveredSeq. */
export const DeliveryUpdatedEvent = Type.Object({
  type: Type.Literal('delivery.updated'),
  conversationId: Id,
  userId: Id,
  deliveredSeq: Type.Integer({ minimum: 0 }),
});
export const TypingEvent = Type.Object({ type: Type.Literal('typing'), conversationId: Id, userId: Id, typing: Type.Boolean() });
export const PresenceEvent = Type.Object({
  type: Type.Literal('presence'),
  userId: Id,
  online: Type.Boolean(),
  lastSeenAt: Type.Union([Timestamp, Type.Null()], { description: 'Null while online or when the user hides it' }),
});
/**
 * I blocked or unblocked `userId` (from any of my devices). Only to my own devices: a block is
 * private, the blocked user is never told.
 */
export const BlockUpdatedEvent = Type.Object({ type: Type.Literal('block.updated'), userId: Id, blocked: Type.Boolean() });

export const ServerEvent = Type.Union([...PositionedEvent.anyOf, DeliveryUpdatedEvent, TypingEvent, PresenceEvent, BlockUpdatedEvent]);
export type ServerEvent = Static<typeof ServerEvent>;
export type ServerEventType = ServerEvent['type'];
export type EventOf<T extends ServerEventType> = Extract<ServerEvent, { type: T }>;
/** A positioned event before the log gave it its position. */
export type EventDraft = PositionedEvent extends infer E ? (E extends PositionedEvent ? Omit<E, 'pos' | 'prev' | 'cursor'> : never) : never;

export const ServerFrame = Type.Union([ReadyFrame, HeadsFrame, AckFrame, PongFrame, ErrorFrame, ...ServerEvent.anyOf]);
export type ServerFrame = Static<typeof ServerFrame>;
