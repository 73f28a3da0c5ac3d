import Type, { type Static } from 'typebox';
import { Nullable, Timestamp } from './primitives.js';
import { Instant, VisibleLine } from './strings.js';

/** Location messages: the place a message carries, what a sender gives, and a live location's moves. */

export const Latitude = Type.Number({ minimum: -90, maximum: 90, description: 'Degrees north (WGS 84)' });
export const Longitude = Type.Number({ minimum: -180, maximum: 180, description: 'Degrees east (WGS 84)' });

/** A shared place; a live one is moved by its author (`PATCH /api/v1/messages/:id/location`) until `liveUntil`. */
export const Location = Type.Object(
  {
    lat: Latitude,
    lng: Longitude,
    accuracyM: Nullable(Type.Number({ minimum: 0 }), 'Radius of uncertainty, metres'),
    label: Nullable(Type.String(), 'A name for the place'),
    liveUntil: Nullable(Timestamp, 'A live location is updated until then (past once it ended or was stopped); null: a fixed place'),
  },
  { title: 'Location' },
);
export type Location = Static<typeof Location>;

const strict = { additionalProperties: false } as const;

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
