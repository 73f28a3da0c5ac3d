import { describe, expect, it } from 'vitest';
import { decodeContent, encodeContent, isRelation, readableContent, relationOf } from './encrypted-content.js';
import { type OrderedPlace, type PlaceRelation, placeNow } from './encrypted-places.js';

const t0 = Date.parse('2026-11-27T10:00:00.000Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
const place = (liveUntil?: string): OrderedPlace => ({
  seq: 10,
  senderId: 'alice',
  createdAt: at(0),
  content: { lat: 48.85, lng: 2.29, accuracyM: 12, label: 'Tower', ...(liveUntil ? { liveUntil } : {}) },
});
const move = (seq: number, minutes: number, lat: number, senderId = 'alice'): PlaceRelation => ({
  seq,
  senderId,
  createdAt: at(minutes),
  move: { lat, lng: 2.3 },
});
const stop = (seq: number, minutes: number, senderId = 'alice'): PlaceRelation => ({ seq, senderId, createdAt: at(minutes), stop: true });

describe('a live place in an encrypted conversation, from the order', () => {
  it('is where its author last moved it, until its end', () => {
    expect(placeNow(place(at(60)), [move(12, 5, 48.9), move(11, 2, 48.86)])).toEqual({
      lat: 48.9,
      lng: 2.3,
      accuracyM: null,
      label: 'Tower',
      liveUntil: at(60),
    });
    // Nothing moved: where it was shared.
    expect(placeNow(place(at(60)), [])).toEqual({ lat: 48.85, lng: 2.29, accuracyM: 12, label: 'Tower', liveUntil: at(60) });
  });

  it('ends at its author’s first stop; what comes after a stop or the end is ignored', () => {
    expect(placeNow(place(at(60)), [move(11, 1, 48.86), stop(12, 3), move(13, 4, 49), stop(14, 5)])).toMatchObject({
      lat: 48.86,
      liveUntil: at(3),
    });
    expect(placeNow(place(at(60)), [move(11, 61, 49)])).toMatchObject({ lat: 48.85, liveUntil: at(60) });
  });

  it('ignores moves and stops by anyone else, and ones ordered before it', () => {
    expect(placeNow(place(at(60)), [move(11, 1, 49, 'mallory'), stop(12, 2, 'mallory'), move(9, 0, 47)])).toMatchObject({
      lat: 48.85,
      liveUntil: at(60),
    });
  });

  it('lasts at most 8 hours after it was sent, whatever its author wrote', () => {
    expect(placeNow(place(at(24 * 60)), [move(11, 9 * 60, 49)])).toMatchObject({ lat: 48.85, liveUntil: at(8 * 60) });
  });

  it('stays a fixed place without liveUntil', () => {
    expect(placeNow(place(), [move(11, 1, 49)])).toEqual({ lat: 48.85, lng: 2.29, accuracyM: 12, label: 'Tower', liveUntil: null });
  });

  it('travels as relations the server sees as edits of the place, never which', () => {
    const placeMove = { placeId: 'p1', lat: 1, lng: 2, accuracyM: 5 };
    expect(relationOf({ placeMove })).toEqual({ relatesTo: { type: 'edit', messageId: 'p1' } });
    expect(relationOf({ placeStop: { placeId: 'p1' } })).toEqual({ relatesTo: { type: 'edit', messageId: 'p1' } });
    const read = readableContent(encodeContent({ placeMove }));
    expect(read).toEqual({ body: '', placeMove });
    expect(isRelation({ ...read } as never)).toBe(true);
    expect(decodeContent(encodeContent({ placeStop: { placeId: 'p1' } }))).toEqual({ placeStop: { placeId: 'p1' } });
    // Off the globe, or naming no place: not a move.
    expect(decodeContent(encodeContent({ placeMove: { ...placeMove, lat: 91 } }))).toEqual({});
    expect(readableContent(encodeContent({ location: { lat: 1, lng: 2, liveUntil: at(30) } })).location).toEqual({
      lat: 1,
      lng: 2,
      accuracyM: null,
      label: null,
      liveUntil: at(30),
    });
  });
});
