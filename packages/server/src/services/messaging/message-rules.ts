import { type LocationInput, MAX_LIVE_LOCATION_MS } from '@confab/protocol';
import { detail, invalid } from '../../errors.js';
import type { LocationRecord } from '../../store/store.js';

/**
 * A message body is at most `maxLength` Unicode code points (not UTF-16 units: an emoji counts
 * once). The limit is a setting (MAX_MESSAGE_LENGTH), so it is checked here; everything else
 * about the body (not empty, well-formed, no NUL, something visible) is the schema's
 * (`MessageBody` in @confab/protocol).
 */
export function validateBody(body: string, maxLength: number): void {
  let length = 0;
  for (const _ of body) {
    length += 1;
    if (length > maxLength) {
      throw invalid(`The message body is longer than ${maxLength} characters`, [
        detail('/body', `must have at most ${maxLength} characters (code points)`, { limit: maxLength }),
      ]);
    }
  }
}

/** What a send carries, as its schema lets it arrive (`SendMessageBody`, the `message.send` frame). */
export interface SendContent {
  kind?: 'text' | 'location';
  body?: string;
  location?: LocationInput;
}

/**
 * The kind, body and location a send stores: a text message needs a body; a location message
 * needs a location (its body, a caption, is optional). Paths are relative to the payload.
 */
export function sendContent(input: SendContent, now: number): { kind: 'text' | 'location'; body: string; location?: LocationRecord } {
  const kind = input.kind ?? 'text';
  if (kind === 'text') {
    if (input.body === undefined) throw invalid('A text message needs a body', [detail('/body', 'is required for a text message')]);
    if (input.location !== undefined)
      throw invalid('Only a location message has a location', [detail('/location', 'is allowed with kind "location" only')]);
    return { kind, body: input.body };
  }
  if (input.location === undefined)
    throw invalid('A location message needs a location', [detail('/location', 'is required for a location message')]);
  return { kind, body: input.body ?? '', location: locationRecord(input.location, now) };
}

/** A location as stored; `liveUntil` must be in the future and at most MAX_LIVE_LOCATION_MS ahead. */
export function locationRecord(input: LocationInput, now: number): LocationRecord {
  let liveUntil: number | null = null;
  if (input.liveUntil !== undefined) {
    liveUntil = Date.parse(input.liveUntil);
    if (!(liveUntil > now) || liveUntil - now > MAX_LIVE_LOCATION_MS)
      throw invalid('liveUntil must be in the future and at most 8 hours ahead', [
        detail('/location/liveUntil', 'must be in the future and at most 8 hours ahead', { limit: MAX_LIVE_LOCATION_MS }),
      ]);
  }
  return { lat: input.lat, lng: input.lng, accuracyM: input.accuracyM ?? null, label: input.label ?? null, liveUntil };
}

/** Every scheduled send's clientId starts so (services/scheduling): such a message going out does not clear my draft. */
export const SCHEDULED_CLIENT_ID_PREFIX = 'sched-';
