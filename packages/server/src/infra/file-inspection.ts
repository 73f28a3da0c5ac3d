import { fileTypeFromBuffer } from 'file-type';
import { parseFile } from 'music-metadata';
import { readFile, readdir } from 'node:fs/promises';
import { setPriority } from 'node:os';
import sharp from 'sharp';
import { webmTrackKinds } from './webm-tracks.js';

/**
 * What an upload is, from its bytes alone (issue 11: never what the client claimed): its type,
 * an image's size and thumbnail, audio or video's length where the container says it. sharp and
 * the codecs run on libuv's thread pool, not the event loop.
 */
export interface Inspection {
  contentType: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  /** Images: a WebP of at most THUMBNAIL_SIZE px on the long side. */
  thumbnail: Buffer | null;
}

export const THUMBNAIL_SIZE = 320;
export const THUMBNAIL_TYPE = 'image/webp';
// One libvips thread per image: thumbnails are not urgent, and on a small machine the event loop
// (delivering messages) must keep a core while an image decodes. sharp's cache is for servers
// that process the same image again; each upload is processed once.
sharp.concurrency(1);
sharp.cache(false);

/** Thumbnails are made of images up to this many pixels (a small file can decode to gigabytes). */
const MAX_THUMBNAIL_INPUT_PIXELS = 50_000_000;

/** The type the first bytes say; text that is not a known binary format is told apart by hand (file-type reads signatures only). */
export async function detectContentType(head: Buffer): Promise<string> {
  const detected = await fileTypeFromBuffer(head);
  if (detected) return detected.mime;
  return sniffText(head);
}

/** HTML (served as what it is, never inline: see the download headers), other UTF-8 text, or bytes. */
export function sniffText(head: Buffer): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  // A multi-byte character cut at the head's end decodes as one U+FFFD: allow that, not others.
  const broken = (text.match(/\uFFFD/g) ?? []).length;
  // eslint-disable-next-line no-control-regex -- binary data has control characters, text does not
  if (head.length === 0 || broken > 1 || /[\u0000-\u0008\u000E-\u001A\u001C-\u001F]/.test(text)) return 'application/octet-stream';
  const start = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 512)
    .toLowerCase();
  if (/^<!doctype html|^<html|^<head|^<body|^<script|^<iframe|^<!--/.test(start) || /<(script|html|body|iframe)[\s>]/.test(start)) {
    return 'text/html';
  }
  if (/^<\?xml|^<svg/.test(start)) return start.includes('<svg') ? 'image/svg+xml' : 'application/xml';
  return 'text/plain';
}

/**
 * Reads what the type allows from the stored file, which `file()` gives as a local path (the
 * blob's own, or a temporary copy). A path, not a stream: sharp decoding from a JavaScript stream
 * was measured holding the event loop 400–650 ms for a 25 MiB PNG, from a file 12–21 ms.
 */
export async function inspect(contentType: string, file: () => Promise<string>): Promise<Inspection> {
  const plain: Inspection = { contentType, width: null, height: null, durationMs: null, thumbnail: null };
  if (contentType.startsWith('image/') && contentType !== 'image/svg+xml') return { ...plain, ...(await inspectImage(await file())) };
  if (contentType.startsWith('audio/') || contentType.startsWith('video/'))
    return { ...plain, ...(await inspectMedia(contentType, await file())) };
  return plain;
}

async function inspectImage(path: string): Promise<Partial<Inspection>> {
  try {
    await lowerImageThreads();
    const image = sharp(path, { failOn: 'error', limitInputPixels: MAX_THUMBNAIL_INPUT_PIXELS });
    const meta = await image.metadata();
    await lowerImageThreads();
    const width = meta.autoOrient?.width ?? meta.width ?? null;
    const height = meta.autoOrient?.height ?? meta.height ?? null;
    const thumbnail = await image
      .clone()
      .rotate() // as the EXIF orientation says
      .resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer()
      .catch(() => null);
    return { width, height, thumbnail };
  } catch {
    // Not decodable (corrupt, too many pixels, a format libvips lacks): a file without a preview.
    return {};
  }
}

async function inspectMedia(contentType: string, path: string): Promise<Partial<Inspection>> {
  try {
    const { format } = await parseFile(path, { duration: false, skipCovers: true });
    const durationMs = format.duration === undefined || !Number.isFinite(format.duration) ? null : Math.round(format.duration * 1000);
    // WebM and MP4 are video containers by their signature; a recording without a video track
    // (a browser's voice note) is audio.
    const audioOnly = contentType.startsWith('video/') && format.hasVideo === false && format.hasAudio === true;
    return { durationMs, ...(audioOnly ? { contentType: contentType.replace(/^video\//, 'audio/') } : {}) };
  } catch {
    // A browser's recording (MediaRecorder streams its WebM with an unknown Segment size, which
    // the parser refuses): its tracks still say whether it is audio only; its length is unknown.
    if (contentType !== 'video/webm') return {};
    const kinds = await webmTrackKinds(path).catch(() => null);
    return kinds?.includes('audio') && !kinds.includes('video') ? { contentType: 'audio/webm' } : {};
  }
}

/**
 * Linux: libvips' worker threads (which decode and resize) at the lowest CPU priority (nice 19),
 * so on a small machine the kernel runs the event loop first and a 25 MiB image takes only the
 * CPU left over. Threads are niced one by one (nice is per thread on Linux); libvips keeps its
 * threads for reuse, so the few it starts are found here before and during each image.
 */
export async function lowerImageThreads(): Promise<void> {
  if (process.platform !== 'linux') return;
  const tasks = await readdir('/proc/self/task').catch(() => [] as string[]);
  await Promise.all(
    tasks.map(async (tid) => {
      const name = await readFile(`/proc/self/task/${tid}/comm`, 'utf8').catch(() => '');
      if (name.trim() !== 'libvips worker') return;
      try {
        setPriority(Number(tid), 19);
      } catch {
        // The thread ended meanwhile.
      }
    }),
  );
}
