import Type, { type Static } from 'typebox';
import { ErrorDetail } from './errors.js';
import { ClientId, MessageBody, ReactionParams, Seq } from './message-requests.js';
import { Identifier } from './strings.js';
import { LocationInput } from './locations.js';
import { SendContentFields } from './files.js';
import { MlsSend } from './encrypted-messages.js';
import { HeldMessage, Message } from './messages.js';
import { Id } from './primitives.js';
import { ServerEvent, SyncCursor } from './events.js';

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
    mls: Type.Optional(MlsSend),
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
  /** Every conversation's head; with `?heads=moved` on a resume, only those past `since`. */
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
  /** A send held for review by the spam model (issue 40): it reaches nobody until an admin releases it. */
  held: Type.Optional(HeldMessage),
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

// ---- server → client: every frame ----
// The events are declared once, in events.ts (the typed event map); the socket sends them as they are.
export const ServerFrame = Type.Union([ReadyFrame, HeadsFrame, AckFrame, PongFrame, ErrorFrame, ...ServerEvent.anyOf]);
export type ServerFrame = Static<typeof ServerFrame>;
