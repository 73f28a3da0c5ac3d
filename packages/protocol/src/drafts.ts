import Type, { type Static } from 'typebox';
import { Id, PositionInput, Timestamp } from './primitives.js';
import { FreeText } from './strings.js';

/**
 * Drafts that follow me across devices (issue 37): what I typed in a conversation and have not
 * sent, one per conversation, versioned so that no device silently overwrites another's.
 * `version` counts every save and clear (the first save stores 1); a cleared draft has an empty
 * `body` and keeps its version, so a save based on an older version is refused (409
 * `draft_conflict`, carrying this draft) instead of bringing the sent text back.
 */
export const Draft = Type.Object(
  {
    conversationId: Id,
    body: Type.String({ description: 'What I typed; "" once cleared (sent, deleted)' }),
    replyToId: Type.Union([Id, Type.Null()], { description: 'The message the draft replies to' }),
    version: Type.Integer({ minimum: 0, description: 'Send it back with the next save' }),
    updatedAt: Timestamp,
  },
  { title: 'Draft' },
);
export type Draft = Static<typeof Draft>;

/**
 * `PUT /api/v1/conversations/:id/draft`. `version` is the one I last saw (0: I know of no draft
 * here). An empty body clears the draft as a save does: conditionally. The body's length in code
 * points is checked against MAX_MESSAGE_LENGTH by the service, as a message body's is.
 */
export const SaveDraftBody = Type.Object(
  {
    body: FreeText({ description: 'At most MAX_MESSAGE_LENGTH code points; "" clears the draft' }),
    replyToId: Type.Optional(Type.Union([Id, Type.Null()])),
    version: PositionInput({ description: 'The version I last saw; 0 when I know of no draft' }),
  },
  { additionalProperties: false },
);
export type SaveDraftBody = Static<typeof SaveDraftBody>;

export const DraftResponse = Type.Object({ draft: Draft }, { title: 'DraftResponse' });
export type DraftResponse = Static<typeof DraftResponse>;

/** `GET /api/v1/drafts`: my drafts that have text, in conversations I am a member of, newest first. */
export const DraftList = Type.Object({ items: Type.Array(Draft) }, { title: 'DraftList' });
export type DraftList = Static<typeof DraftList>;
