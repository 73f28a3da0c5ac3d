import Type, { type Static } from 'typebox';
import { Id, Timestamp } from './primitives.js';
import { ClientId, MessageBody } from './message-requests.js';
import { Page } from './primitives.js';

/**
 * Scheduled send (issue 37): a message stored now and sent at `scheduledAt` through the normal
 * send path, by whichever node is up. Only what stays true until then can be scheduled: a text
 * message (`body`), as a reply (`replyToId`) or in a thread (`threadRootId`). Files are not (an
 * upload no message links is swept after UPLOAD_ORPHAN_TTL_SECONDS).
 */

/** The latest a message may be scheduled: a year ahead (the earliest is the server's SCHEDULED_MIN_LEAD_MS, a minute by default). */
export const MAX_SCHEDULE_AHEAD_MS = 365 * 24 * 60 * 60 * 1000;

export const ScheduledMessage = Type.Object(
  {
    id: Id,
    conversationId: Id,
    /** The send's idempotency key: a repeat of the scheduling request answers this schedule again. */
    clientId: ClientId,
    kind: Type.Literal('text'),
    body: Type.String(),
    replyToId: Type.Union([Id, Type.Null()]),
    threadRootId: Type.Union([Id, Type.Null()]),
    scheduledAt: Timestamp,
    createdAt: Timestamp,
  },
  { title: 'ScheduledMessage', description: 'A message of mine waiting to be sent at `scheduledAt`' },
);
export type ScheduledMessage = Static<typeof ScheduledMessage>;

export const ScheduledResponse = Type.Object({ scheduled: ScheduledMessage }, { title: 'ScheduledResponse' });
export type ScheduledResponse = Static<typeof ScheduledResponse>;

/** `GET /api/v1/scheduled`: mine, soonest first. */
export const ScheduledPage = Page(ScheduledMessage, 'ScheduledPage');
export type ScheduledPage = Static<typeof ScheduledPage>;

/** `PATCH /api/v1/scheduled/:id`: a new text, a new time, or both. */
export const UpdateScheduledBody = Type.Object(
  {
    body: Type.Optional(MessageBody),
    scheduledAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateScheduledBody = Static<typeof UpdateScheduledBody>;

/** Why a schedule left my list, as `scheduled.removed` says. */
export const ScheduledRemovedReason = Type.Enum(['sent', 'deleted', 'failed'], {
  description:
    '`sent`: the message was sent (`messageId`); `deleted`: I deleted it; `failed`: refused at its time (`error`: I am no longer a member, blocked, deactivated…)',
});
export type ScheduledRemovedReason = Static<typeof ScheduledRemovedReason>;
