import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { png, wav } from '../../../test/files.js';
import { AppError } from '../../errors.js';
import { ByteMeter, HEAD_BYTES } from '../../infra/byte-meter.js';
import { resolveRange } from '../../infra/byte-ranges.js';
import { detectContentType, inspect, sniffText } from '../../infra/file-inspection.js';
import { cleanFilename } from './upload-service.js';

describe('resolveRange', () => {
  it('reads one range of bytes, clamped to the file', () => {
    expect(resolveRange(undefined, 100)).toBeNull();
    expect(resolveRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(resolveRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(resolveRange('bytes=90-500', 100)).toEqual({ start: 90, end: 99 });
    expect(resolveRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(resolveRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
  });

  it('serves the whole file for what it does not take (other units, several ranges, nonsense)', () => {
    for (const header of ['items=0-1', 'bytes=0-1,5-6', 'bytes=', 'bytes=5-2', 'bytes=a-b'])
      expect(resolveRange(header, 100), header).toBeNull();
  });

  it('answers 416 for a range that starts past the end', () => {
    for (const header of ['bytes=100-', 'bytes=500-600', 'bytes=-0']) {
      expect(() => resolveRange(header, 100), header).toThrow(AppError);
    }
    expect(() => resolveRange('bytes=0-', 0)).toThrow(AppError);
  });
});

describe('file inspection', () => {
  it('tells the type from the bytes', async () => {
    expect(await detectContentType(await png(3, 2))).toBe('image/png');
    expect(await detectContentType(wav(10))).toMatch(/^audio\//);
    expect(await detectContentType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
  });

  it('tells HTML, SVG and plain text apart from binary data', () => {
    expect(sniffText(Buffer.from('  <!DOCTYPE html><p>hi'))).toBe('text/html');
    // Markup that can run script counts as HTML wherever it starts: the safer answer.
    expect(sniffText(Buffer.from('hello <script>alert(1)</script>'))).toBe('text/html');
    expect(sniffText(Buffer.from('hello <b>world</b>'))).toBe('text/plain');
    expect(sniffText(Buffer.from('<div><script>x</script></div>'))).toBe('text/html');
    expect(sniffText(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('image/svg+xml');
    expect(sniffText(Buffer.from('ünïcödé text\nline two'))).toBe('text/plain');
    expect(sniffText(Buffer.from([0, 1, 2, 3, 0xff, 0xfe]))).toBe('application/octet-stream');
    expect(sniffText(Buffer.alloc(0))).toBe('application/octet-stream');
  });

  it('measures images (with a thumbnail) and audio; leaves other files alone', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'confab-inspect-'));
    const at = (name: string, data: Buffer) => async () => (writeFileSync(path.join(dir, name), data), path.join(dir, name));
    try {
      const found = await inspect('image/png', at('a.png', await png(1000, 500)));
      expect(found).toMatchObject({ contentType: 'image/png', width: 1000, height: 500, durationMs: null });
      expect(found.thumbnail!.subarray(8, 12).toString('ascii')).toBe('WEBP');
      expect(await inspect('audio/wav', at('a.wav', wav(2500)))).toMatchObject({ durationMs: 2500, thumbnail: null });
      const broken = Buffer.concat([(await png(10, 10)).subarray(0, 30), Buffer.alloc(50)]);
      expect(await inspect('image/png', at('b.png', broken))).toMatchObject({ width: null, thumbnail: null });
      let read = false;
      expect(await inspect('application/pdf', async () => ((read = true), ''))).toMatchObject({ width: null, durationMs: null });
      expect(read).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ByteMeter', () => {
  it('counts, hashes and keeps the head; fails the moment the limit is passed', async () => {
    const meter = new ByteMeter(10, () => new Error('too large'));
    const seen: Buffer[] = [];
    meter.on('data', (piece: Buffer) => seen.push(piece));
    meter.write(Buffer.from('hello'));
    meter.write(Buffer.from('world'));
    expect(meter.bytes).toBe(10);
    expect(meter.head.toString()).toBe('helloworld');
    const failed = new Promise((resolve) => meter.once('error', resolve));
    meter.write(Buffer.from('!'));
    expect(((await failed) as Error).message).toBe('too large');
    expect(Buffer.concat(seen).toString()).toBe('helloworld');
  });

  it('keeps only HEAD_BYTES of the start', async () => {
    const meter = new ByteMeter(10 * HEAD_BYTES, () => new Error('x'));
    meter.resume();
    meter.write(Buffer.alloc(HEAD_BYTES - 1, 1));
    meter.write(Buffer.alloc(HEAD_BYTES, 2));
    await new Promise<void>((resolve) => meter.end(resolve));
    expect(meter.head.length).toBe(HEAD_BYTES);
    expect(meter.digest()).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('cleanFilename', () => {
  it('keeps the last path segment as one line of at most 255 characters', () => {
    expect(cleanFilename('C:\\Users\\me\\photo.png')).toBe('photo.png');
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('a\u0000b\nc\u202Egnp.exe')).toBe('abcgnp.exe');
    expect(cleanFilename('')).toBe('file');
    expect(cleanFilename('..')).toBe('file');
    expect(Array.from(cleanFilename('😀'.repeat(300)))).toHaveLength(255);
  });
});
