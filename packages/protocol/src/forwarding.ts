import Type, { type Static } from 'typebox';
import { Id, Timestamp } from './primitives.js';
import { VisibleText } from './strings.js';

/** Forwarding (issue 37): a copy of a message into other conversations. */
export const MAX_FORWARD_TARGETS = 10;

/** Where a forwarded copy came from; `conversationId` only to readers who are members there. */
export const ForwardedFrom = Type.Object(
  {
    conversationId: Type.Optional(Id),
    senderId: Id,
    sentAt: Timestamp,
  },
  { title: 'ForwardedFrom' },
);
export type ForwardedFrom = Static<typeof ForwardedFrom>;

export const ForwardBody = Type.Object(
  {
    conversationIds: Type.Array(Id, { minItems: 1, maxItems: MAX_FORWARD_TARGETS, uniqueItems: true }),
    comment: Type.Optional(VisibleText({ minLength: 1, description: 'Sent as a text message before the copy, in each conversation' })),
  },
  { additionalProperties: false },
);
export type ForwardBody = Static<typeof ForwardBody>;
