import Type, { type Static } from 'typebox';
import { ErrorDetail } from './errors.js';
import { ClientId } from './api.js';
import { ConversationInfo, Id, Member, Message } from './models.js';

/** Correlates a client frame with the server's `ack` or `error` answer. */
const FrameId = Type.String({ minLength: 1, maxLength: 64 });
const strict = { additionalProperties: false } as const;

// ---- client → server ----
export const MessageSendFrame = Type.Object(
  {
    type: Type.Literal('message.send'),
    id: FrameId,
    conversationId: Id,
    clientId: ClientId,
    body: Type.String({ minLength: 1 }),
  },
  strict,
);
export type MessageSendFrame = Static<typeof MessageSendFrame>;

/** Application-level keep-alive for clients (browsers) that cannot send WebSocket pings. */
export const PingFrame = Type.Object({ type: Type.Literal('ping'), id: Type.Optional(FrameId) }, strict);
export type PingFrame = Static<typeof PingFrame>;

export const ClientFrame = Type.Union([MessageSendFrame, PingFrame]);
export type ClientFrame = Static<typeof ClientFrame>;
export const CLIENT_FRAME_TYPES = ['message.send', 'ping'] as const;

// ---- server → client: replies ----
export const ReadyFrame = Type.Object({ type: Type.Literal('ready'), userId: Id, connectionId: Type.String() });
export type ReadyFrame = Static<typeof ReadyFrame>;
export const AckFrame = Type.Object({ type: Type.Literal('ack'), id: FrameId, message: Message });
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
export const MessageCreatedEvent = Type.Object({ type: Type.Literal('message.created'), message: Message });
export const ConversationCreatedEvent = Type.Object({
  type: Type.Literal('conversation.created'),
  conversation: ConversationInfo,
});
export const ConversationUpdatedEvent = Type.Object({
  type: Type.Literal('conversation.updated'),
  conversation: ConversationInfo,
});
export const MemberAddedEvent = Type.Object({
  type: Type.Literal('member.added'),
  conversationId: Id,
  member: Member,
  by: Id,
});
export const MemberRemovedEvent = Type.Object({
  type: Type.Literal('member.removed'),
  conversationId: Id,
  userId: Id,
  by: Id,
});
export const MemberUpdatedEvent = Type.Object({
  type: Type.Literal('member.updated'),
  conversationId: Id,
  member: Member,
  by: Id,
});

export const ServerEvent = Type.Union([
  MessageCreatedEvent,
  ConversationCreatedEvent,
  ConversationUpdatedEvent,
  MemberAddedEvent,
  MemberRemovedEvent,
  MemberUpdatedEvent,
]);
export type ServerEvent = Static<typeof ServerEvent>;
export type ServerEventType = ServerEvent['type'];
export type EventOf<T extends ServerEventType> = Extract<ServerEvent, { type: T }>;

export const ServerFrame = Type.Union([ReadyFrame, AckFrame, PongFrame, ErrorFrame, ServerEvent]);
export type ServerFrame = Static<typeof ServerFrame>;
