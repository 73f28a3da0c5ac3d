import sharp from 'sharp';
import { detectContentType, lowerImageThreads } from './file-inspection.js';
import { deadlineAfter } from './deadline.js';
import { guardedGet } from './guarded-fetch.js';
import type { AddressCheck } from './outbound-address-guard.js';
import { decodeHtml, readPageMeta } from './page-meta.js';

/** A page's card: what it says about itself and its picture as a WebP thumbnail. */
export interface LinkCard {
  title: string;
  description: string | null;
  siteName: string;
  image: Buffer | null;
}

export interface LinkCardLimits {
  /** The page, its redirects and its image, all within this, ms. */
  timeoutMs: number;
  /** Bytes read of the page (cut there) and of the image (dropped past it). */
  maxBytes: number;
}

const MAX_REDIRECTS = 5;
const HTML = /^(text\/html|application\/xhtml\+xml)\b/;
const PICTURES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);
/** A small file can decode to gigabytes: pictures past this many pixels are dropped. */
const MAX_INPUT_PIXELS = 50_000_000;
/** The thumbnail's longest side, px (a card shows it at most about 120 px wide, on a 3× screen). */
const THUMBNAIL_PX = 400;

/**
 * Fetches a link's card: the page through the guard (every hop's address checked, at most 5
 * redirects, `maxBytes` read, all within `timeoutMs`), its meta tags, then its picture the same
 * way, sniffed from the bytes and resized with sharp. Null when there is no card: the address is
 * refused, the page is not HTML or has no title, or the budget ran out. A picture that fails
 * leaves a card without one. `signal` ends it early (shutdown).
 */
export async function fetchLinkCard(url: URL, guard: AddressCheck, limits: LinkCardLimits, signal?: AbortSignal): Promise<LinkCard | null> {
  const budget = deadlineAfter(limits.timeoutMs, signal);
  try {
    return await fetchWithin(url, guard, limits, budget.signal);
  } finally {
    budget.clear();
  }
}

async function fetchWithin(url: URL, guard: AddressCheck, limits: LinkCardLimits, deadline: AbortSignal): Promise<LinkCard | null> {
  const get = (target: URL, accept: string) =>
    guardedGet(target, { guard, signal: deadline, maxBytes: limits.maxBytes, maxRedirects: MAX_REDIRECTS, accept });
  let page;
  try {
    page = await get(url, 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1');
  } catch {
    return null;
  }
  if (page.status < 200 || page.status >= 300 || !HTML.test(page.contentType)) return null;
  const meta = readPageMeta(decodeHtml(page.body, page.contentType), page.url);
  if (meta.title === null) return null;
  let image: Buffer | null = null;
  if (meta.image !== null) {
    try {
      const picture = await get(meta.image, 'image/webp,image/png,image/jpeg,image/gif;q=0.8');
      if (picture.status >= 200 && picture.status < 300 && !picture.truncated) image = await thumbnail(picture.body, deadline);
    } catch {
      image = null;
    }
  }
  return { title: meta.title, description: meta.description, siteName: meta.siteName ?? page.url.hostname, image };
}

/**
 * A WebP no larger than THUMBNAIL_PX on its longest side, from a PNG, JPEG, WebP or GIF (its first
 * frame); null for anything else, or when the fetch's time ran out waiting for its turn.
 */
async function thumbnail(bytes: Buffer, deadline: AbortSignal): Promise<Buffer | null> {
  if (!PICTURES.has(await detectContentType(bytes.subarray(0, 4100)))) return null;
  return fewAtATime(async () => {
    if (deadline.aborted) return null;
    try {
      // As for uploads (file-inspection.ts): the decoding threads take only the CPU the event loop leaves.
      await lowerImageThreads();
      return await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS, pages: 1 })
        .autoOrient()
        .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer();
    } catch {
      return null;
    }
  });
}

/**
 * Pictures made at once in a process. Each holds one of libuv's four pool threads for its whole
 * decode, and the SQLite store's log flush (store/sqlite/wal-sync.ts) and the blob store's files
 * run on that pool: two leave them two threads whatever the previews in flight.
 */
const PICTURES_AT_ONCE = 2;
let making = 0;
const waiting: (() => void)[] = [];
async function fewAtATime<T>(work: () => Promise<T>): Promise<T> {
  if (making >= PICTURES_AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  else making += 1;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else making -= 1;
  }
}
