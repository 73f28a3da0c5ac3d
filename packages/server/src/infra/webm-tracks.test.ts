import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trackKinds, webmTrackKinds } from './webm-tracks.js';

/** A WebM head as Chromium's MediaRecorder writes it: EBML header, a Segment of unknown size, Tracks. */
function recorderHead(trackTypes: number[]): Buffer {
  const element = (id: number[], data: Buffer) => Buffer.concat([Buffer.from(id), Buffer.from([0x80 | data.length]), data]);
  const entries = trackTypes.map((type, i) =>
    element(
      [0xae],
      Buffer.concat([element([0xd7], Buffer.from([i + 1])), element([0x83], Buffer.from([type])), element([0x86], Buffer.from('A_OPUS'))]),
    ),
  );
  const ebml = element([0x1a, 0x45, 0xdf, 0xa3], element([0x42, 0x82], Buffer.from('webm')));
  const unknownSegment = Buffer.from([0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  const info = element([0x15, 0x49, 0xa9, 0x66], element([0x4d, 0x80], Buffer.from('Chrome')));
  return Buffer.concat([
    ebml,
    unknownSegment,
    info,
    element([0x16, 0x54, 0xae, 0x6b], Buffer.concat(entries)),
    Buffer.from([0x1f, 0x43, 0xb6, 0x75]),
  ]);
}

describe('webmTrackKinds', () => {
  it('reads the track kinds behind a Segment of unknown size', async () => {
    expect(trackKinds(recorderHead([2]))).toEqual(['audio']);
    expect(trackKinds(recorderHead([1, 2]))).toEqual(['video', 'audio']);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'webm-')), 'note.webm');
    writeFileSync(file, recorderHead([2]));
    expect(await webmTrackKinds(file)).toEqual(['audio']);
  });

  it('is null without a Tracks element or when it is cut off', () => {
    expect(trackKinds(Buffer.from('not a webm at all'))).toBeNull();
    const head = recorderHead([2]);
    expect(trackKinds(head.subarray(0, head.length - 12))).toBeNull();
  });
});
