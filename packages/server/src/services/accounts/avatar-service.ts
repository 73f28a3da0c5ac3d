import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { Me } from '@confab/protocol';
import { AppError, notFound } from '../../errors.js';
import type { BlobStore } from '../../blobs/blob-store.js';
import { detectContentType } from '../../infra/file-inspection.js';
import type { Store } from '../../store/store.js';
import { meView } from '../views.js';
import type { ProfileAnnouncer } from './profile-announcer.js';

/** The sizes each picture is kept in (px, square): a list row's and a profile card's. */
export const AVATAR_SIZES = [64, 256] as const;
export type AvatarSize = (typeof AVATAR_SIZES)[number];

/** Raster images only: an SVG could carry script, and other types are not pictures. */
const ACCEPTED = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);
/** A small file can decode to gigabytes: images past this many pixels are refused. */
const MAX_INPUT_PIXELS = 50_000_000;

const blobKey = (userId: string, version: number, size: AvatarSize) => `avatar-${userId}-${String(version)}-${String(size)}`;

/**
 * People's pictures (issue 36 item 2): sniffed from the bytes (never the client's word), cropped
 * square about the centre, and kept as WebP in AVATAR_SIZES through the blob store. The version
 * (when it was set) names the blobs and goes in the URL, so each version may be cached for good.
 */
export class AvatarService {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    /** The upload limit (MAX_UPLOAD_BYTES): a picture is refused past it. */
    private readonly maxBytes: number,
    private readonly profiles: ProfileAnnouncer,
  ) {}

  async set(userId: string, file: Readable): Promise<Me> {
    const bytes = await readAtMost(file, this.maxBytes);
    const type = await detectContentType(bytes.subarray(0, 4100));
    if (!ACCEPTED.has(type)) throw new AppError('unsupported_media_type', `A picture must be a PNG, JPEG, WebP or GIF image, not ${type}`);
    const version = Date.now();
    const sizes = await Promise.all(AVATAR_SIZES.map(async (size) => ({ size, webp: await squareWebp(bytes, size) })));
    for (const { size, webp } of sizes) await this.blobs.put(blobKey(userId, version, size), Readable.from([webp]));
    const before = await this.store.users.getUser(userId);
    const user = await this.store.users.updateUser(userId, { avatarVersion: version });
    if (!user) throw notFound('User');
    await this.dropBlobs(userId, before?.avatarVersion ?? null);
    await this.profiles.changed(before, user);
    return meView(user);
  }

  async remove(userId: string): Promise<Me> {
    const before = await this.store.users.getUser(userId);
    if (!before) throw notFound('User');
    const user = await this.store.users.updateUser(userId, { avatarVersion: null });
    if (!user) throw notFound('User');
    await this.dropBlobs(userId, before.avatarVersion);
    await this.profiles.changed(before, user);
    return meView(user);
  }

  /** An erased account's picture: its blobs go once the row no longer names them (AccountService.erase). */
  async erased(userId: string, version: number | null): Promise<void> {
    await this.dropBlobs(userId, version);
  }

  /** The picture's WebP bytes at `size`, for any signed-in user; 404 without one (or an old version). */
  async get(userId: string, size: AvatarSize, version: number | undefined): Promise<{ body: Readable; etag: string }> {
    const user = await this.store.users.getUser(userId);
    const current = user && user.deletedAt === null ? user.avatarVersion : null;
    if (current === null || (version !== undefined && version !== current)) throw notFound('Avatar');
    const body = await this.blobs.get(blobKey(userId, current, size));
    if (!body) throw notFound('Avatar');
    return { body, etag: `"${String(current)}-${String(size)}"` };
  }

  private async dropBlobs(userId: string, version: number | null) {
    if (version === null) return;
    await Promise.all(AVATAR_SIZES.map((size) => this.blobs.delete(blobKey(userId, version, size))));
  }
}

/** The whole stream, refused (413) as soon as it passes `max` bytes. */
async function readAtMost(file: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of file as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) {
      file.resume();
      throw new AppError('payload_too_large', `A picture may be at most ${String(max)} bytes`);
    }
    chunks.push(chunk);
  }
  if (total === 0) throw new AppError('unsupported_media_type', 'The picture is empty');
  return Buffer.concat(chunks);
}

/** Centre-cropped square WebP; a GIF gives its first frame (sharp reads one page unless told). */
async function squareWebp(bytes: Buffer, size: number): Promise<Buffer> {
  try {
    return await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS, pages: 1 })
      .autoOrient()
      .resize(size, size, { fit: 'cover', position: 'centre' })
      .webp({ quality: 85 })
      .toBuffer();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(message)) throw new AppError('payload_too_large', 'The picture has too many pixels');
    throw new AppError('unsupported_media_type', `The picture could not be read: ${message}`);
  }
}
