import Type, { type Static } from 'typebox';
import { PositionedEvent, SyncCursor } from './events.js';
import { SyncReset } from './realtime.js';
import { PositionInput } from './primitives.js';

/** Request schemas reject unknown fields (`additionalProperties: false`) instead of dropping them. */
const strict = { additionalProperties: false } as const;

// The event stream over plain HTTP: long-poll sync and one conversation's events (gap fill).
export const SyncQuery = Type.Object(
  {
    since: Type.Optional(SyncCursor),
    timeout: Type.Optional(Type.Integer({ minimum: 0, maximum: 120, description: 'Seconds to wait for an event (default 30)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  strict,
);
export type SyncQuery = Static<typeof SyncQuery>;
export const SyncResponse = Type.Object(
  {
    events: Type.Array(PositionedEvent),
    cursor: SyncCursor,
    reset: SyncReset,
  },
  { title: 'SyncResponse' },
);
export type SyncResponse = Static<typeof SyncResponse>;

export const EventsQuery = Type.Object(
  { after: PositionInput(), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
  strict,
);
export type EventsQuery = Static<typeof EventsQuery>;
export const EventPage = Type.Object(
  {
    events: Type.Array(PositionedEvent),
    /** True when more events follow: ask again after the last one. */
    more: Type.Boolean(),
  },
  { title: 'EventPage' },
);
export type EventPage = Static<typeof EventPage>;
