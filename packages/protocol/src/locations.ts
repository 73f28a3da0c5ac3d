import Type, { type Static } from 'typebox';
import { Latitude, Longitude } from './models.js';
import { Instant, VisibleLine } from './strings.js';

/** Location messages: what a sender gives, and a live location's moves. */
const strict = { additionalProperties: false } as const;

/** The kinds of message a user sends (`system` is the server's). */
/** The longest a live location may last: `liveUntil` at most this far ahead. */
export const MAX_LIVE_LOCATION_MS = 8 * 60 * 60 * 1000;

export const Accuracy = Type.Number({ minimum: 0, maximum: 1_000_000, description: 'Radius of uncertainty, metres' });

export const LocationInput = Type.Object(
  {
    lat: Latitude,
    lng: Longitude,
    accuracyM: Type.Optional(Accuracy),
    label: Type.Optional(VisibleLine({ minLength: 1, maxLength: 200, description: 'A name for the place' })),
    liveUntil: Type.Optional(
      Instant({
        description: 'Share it live until then (ISO 8601): in the future, at most 8 hours ahead (else 400); leave out for a fixed place',
      }),
    ),
  },
  { ...strict, title: 'LocationInput' },
);
export type LocationInput = Static<typeof LocationInput>;

/** `PATCH /api/v1/messages/:id/location`: where the live location is now. */
export const UpdateLocationBody = Type.Object({ lat: Latitude, lng: Longitude, accuracyM: Type.Optional(Accuracy) }, strict);
export type UpdateLocationBody = Static<typeof UpdateLocationBody>;
