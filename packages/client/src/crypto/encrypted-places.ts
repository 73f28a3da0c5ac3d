import { type Location, MAX_LIVE_LOCATION_MS } from '@confab/protocol';
import type { EncryptedPlace } from './encrypted-polls.js';

/**
 * Live places in encrypted conversations (issue 39): the place goes inside the MLS message with
 * its `liveUntil`, and its author moves it and ends it with further MLS messages that name it
 * (`placeMove`, `placeStop`). Their envelopes say `relatesTo: {type: "edit"}`, so the server
 * refuses them from anyone but the place's author, counts them neither unread nor last, and cannot
 * tell a move from an edited text. Each reader works out where the place is from the order.
 */

/** My live place `placeId` is here now. */
export interface EncryptedPlaceMove {
  placeId: string;
  lat: number;
  lng: number;
  accuracyM?: number;
}

/** One move or stop as ordered: who sent it and when (the server's time of its message). */
export interface PlaceRelation {
  seq: number;
  senderId: string;
  createdAt: string;
  move?: { lat: number; lng: number; accuracyM?: number };
  stop?: true;
}

/** The live place as ordered, with its content. */
export interface OrderedPlace {
  seq: number;
  senderId: string;
  createdAt: string;
  content: EncryptedPlace;
}

/**
 * Where a live place is, from its moves and stops in the conversation's order, so every device
 * that applied the same order shows the same: it ends at its `liveUntil` (never more than 8 hours
 * after it was sent, whatever its author wrote) or at its author's first stop; the latest move
 * made before the end is where it is. Moves and stops by anyone but its author are ignored (the
 * server refuses them too). A fixed place (no `liveUntil`) has no moves.
 */
export function placeNow(place: OrderedPlace, relations: readonly PlaceRelation[]): Location {
  const { lat, lng, accuracyM, label, liveUntil } = place.content;
  const fixed = { lat, lng, accuracyM: accuracyM ?? null, label: label ?? null, liveUntil: null };
  if (liveUntil === undefined) return fixed;
  let end = Math.min(Date.parse(liveUntil), Date.parse(place.createdAt) + MAX_LIVE_LOCATION_MS);
  let where: { lat: number; lng: number; accuracyM: number | null } = { lat, lng, accuracyM: accuracyM ?? null };
  for (const r of [...relations].sort((a, b) => a.seq - b.seq)) {
    if (r.seq <= place.seq || r.senderId !== place.senderId) continue;
    const at = Date.parse(r.createdAt);
    if (!(at < end)) break;
    if (r.stop) {
      end = at;
      break;
    }
    if (r.move) where = { lat: r.move.lat, lng: r.move.lng, accuracyM: r.move.accuracyM ?? null };
  }
  return { ...where, label: label ?? null, liveUntil: new Date(end).toISOString() };
}

const isFiniteIn = (v: unknown, bound: number): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= bound;

/** A move read from decrypted JSON, or undefined when it is not one. */
export function readPlaceMove(value: unknown): EncryptedPlaceMove | undefined {
  const m = value as Record<string, unknown> | null;
  if (!m || typeof m.placeId !== 'string' || !isFiniteIn(m.lat, 90) || !isFiniteIn(m.lng, 180)) return undefined;
  return {
    placeId: m.placeId,
    lat: m.lat,
    lng: m.lng,
    ...(typeof m.accuracyM === 'number' && m.accuracyM >= 0 ? { accuracyM: m.accuracyM } : {}),
  };
}

export function readPlaceStop(value: unknown): { placeId: string } | undefined {
  const s = value as Record<string, unknown> | null;
  return s && typeof s.placeId === 'string' ? { placeId: s.placeId } : undefined;
}
