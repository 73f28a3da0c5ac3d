// Read and delivery receipts, typing and presence over REST: what a client reports, and who has
// read what and who is online.
import Type, { type Static } from 'typebox';
import { ReadMarker } from './conversations.js';
import { Id } from './primitives.js';
import { Seq } from './message-requests.js';
import { strict } from './request-parts.js';

export const ReadBody = Type.Object({ seq: Seq }, strict);
export type ReadBody = Static<typeof ReadBody>;
export const ReadMarkerResponse = ReadMarker;
export type ReadMarkerResponse = ReadMarker;

export const Receipt = Type.Object(
  {
    userId: Id,
    readSeq: Type.Integer({ minimum: 0, description: 'Read up to this seq' }),
    deliveredSeq: Type.Integer({ minimum: 0, description: 'Delivered to a device of theirs up to this seq' }),
  },
  { title: 'Receipt' },
);
export type Receipt = Static<typeof Receipt>;
export const ReceiptList = Type.Object({ items: Type.Array(Receipt) }, { title: 'ReceiptList' });
export type ReceiptList = Static<typeof ReceiptList>;
export const DeliveredBody = ReadBody;
export const DeliveryMarker = Type.Object(
  { conversationId: Id, userId: Id, deliveredSeq: Type.Integer({ minimum: 0 }) },
  { title: 'DeliveryMarker' },
);
export type DeliveryMarker = Static<typeof DeliveryMarker>;

export const TypingBody = Type.Object({ typing: Type.Boolean() }, strict);
export type TypingBody = Static<typeof TypingBody>;

export const Presence = Type.Object(
  {
    userId: Id,
    online: Type.Boolean(),
    lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When the last connection closed; null while online, if never seen, or hidden by the user',
    }),
  },
  { title: 'Presence' },
);
export type Presence = Static<typeof Presence>;
