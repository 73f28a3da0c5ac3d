import Type, { type Static } from 'typebox';
import { Id, Timestamp } from './primitives.js';
import { Instant, VisibleLine } from './strings.js';

/** Polls (issue 37): what a sender gives with `kind: "poll"`, what a message shows, and a vote. */
const strict = { additionalProperties: false } as const;

export const MIN_POLL_OPTIONS = 2;
export const MAX_POLL_OPTIONS = 10;
/** The latest a poll may close: `closesAt` at most this far ahead. */
export const MAX_POLL_OPEN_MS = 366 * 24 * 60 * 60 * 1000;

export const PollInput = Type.Object(
  {
    question: VisibleLine({ minLength: 1, maxLength: 300, description: 'Also the message body (search, previews)' }),
    options: Type.Array(VisibleLine({ minLength: 1, maxLength: 100 }), {
      minItems: MIN_POLL_OPTIONS,
      maxItems: MAX_POLL_OPTIONS,
      description: `${MIN_POLL_OPTIONS}–${MAX_POLL_OPTIONS} distinct answers, in the order shown`,
    }),
    multiple: Type.Boolean({ description: 'Whether a voter may choose several options' }),
    anonymous: Type.Boolean({ description: 'Whether voters stay hidden from everyone (the author too): only counts are shown' }),
    closesAt: Type.Optional(Instant({ description: 'Closes by itself then: in the future, at most a year ahead' })),
  },
  { ...strict, title: 'PollInput' },
);
export type PollInput = Static<typeof PollInput>;

export const PollOption = Type.Object(
  {
    id: Id,
    text: Type.String(),
    count: Type.Integer({ minimum: 0 }),
    voterIds: Type.Optional(Type.Array(Id, { description: 'Who chose it, in the order they voted; never on an anonymous poll' })),
  },
  { title: 'PollOption' },
);
export type PollOption = Static<typeof PollOption>;

/** `message.poll`: the question, each option's count (and voters unless anonymous); live through `message.updated`. */
export const Poll = Type.Object(
  {
    question: Type.String(),
    options: Type.Array(PollOption),
    multiple: Type.Boolean(),
    anonymous: Type.Boolean(),
    closedAt: Type.Union([Timestamp, Type.Null()], { description: 'Set once closed (by its author, an admin, or `closesAt`)' }),
    closesAt: Type.Optional(Timestamp),
  },
  { title: 'Poll' },
);
export type Poll = Static<typeof Poll>;

/** `PUT /api/v1/messages/:id/poll/vote`: replaces my vote; `[]` retracts it. */
export const PollVoteBody = Type.Object(
  {
    optionIds: Type.Array(Id, {
      maxItems: MAX_POLL_OPTIONS,
      uniqueItems: true,
      description: 'Options of this poll: at most one unless it is `multiple`; empty retracts my vote',
    }),
  },
  strict,
);
export type PollVoteBody = Static<typeof PollVoteBody>;
