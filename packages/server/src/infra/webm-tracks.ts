import { open } from 'node:fs/promises';

/**
 * The kinds of track a WebM (Matroska) file declares, read from its Tracks element. This is
 * the fallback for what music-metadata cannot parse: a browser's MediaRecorder writes its
 * Segment with an "unknown" size (it streams), which the parser refuses, so a Chromium voice
 * note would otherwise stay `video/webm` and not count as audio.
 */
const TRACKS = Buffer.from([0x16, 0x54, 0xae, 0x6b]);
const TRACK_ENTRY = 0xae;
const TRACK_TYPE = 0x83;
/** Tracks sit near the start (after the header, SeekHead and Info): a recorder writes them first. */
const HEAD_BYTES = 64 * 1024;

export type TrackKind = 'video' | 'audio' | 'other';

export async function webmTrackKinds(path: string): Promise<TrackKind[] | null> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(head, 0, HEAD_BYTES, 0);
    return trackKinds(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

/** The track kinds in a buffer holding the Tracks element, or null when there is none (or it is cut off). */
export function trackKinds(bytes: Buffer): TrackKind[] | null {
  const at = bytes.indexOf(TRACKS);
  if (at < 0) return null;
  const size = readVint(bytes, at + TRACKS.length);
  if (!size || size.value === null) return null;
  const end = at + TRACKS.length + size.length + size.value;
  if (end > bytes.length) return null;
  const kinds: TrackKind[] = [];
  for (const entry of children(bytes, at + TRACKS.length + size.length, end)) {
    if (entry.id !== TRACK_ENTRY) continue;
    const type = children(bytes, entry.start, entry.end).find((c) => c.id === TRACK_TYPE);
    const value = type && type.end - type.start === 1 ? bytes[type.start] : undefined;
    kinds.push(value === 1 ? 'video' : value === 2 ? 'audio' : 'other');
  }
  return kinds;
}

/** The elements directly inside [start, end): their ids and data ranges. */
function children(bytes: Buffer, start: number, end: number): { id: number; start: number; end: number }[] {
  const found: { id: number; start: number; end: number }[] = [];
  for (let at = start; at < end;) {
    const id = readId(bytes, at);
    const size = id && readVint(bytes, at + id.length);
    if (!id || !size || size.value === null) break;
    const dataStart = at + id.length + size.length;
    const dataEnd = dataStart + size.value;
    if (dataEnd > end) break;
    found.push({ id: id.value, start: dataStart, end: dataEnd });
    at = dataEnd;
  }
  return found;
}

/** An EBML element id: 1–4 bytes, its length marker kept (as the ids are written in the spec). */
function readId(bytes: Buffer, at: number): { value: number; length: number } | null {
  const first = bytes[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (length > 4 || at + length > bytes.length) return null;
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + bytes[at + i]!;
  return { value, length };
}

/** An EBML size: 1–8 bytes, the marker bit removed; all ones means "unknown" (null). */
function readVint(bytes: Buffer, at: number): { value: number | null; length: number } | null {
  const first = bytes[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) return null;
  let value = first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[at + i]!;
    if (bytes[at + i] !== 0xff) allOnes = false;
  }
  return { value: allOnes ? null : value, length };
}
