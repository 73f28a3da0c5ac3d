import { openBlobStore } from '../../blobs/open-blob-store.js';
import type { BlobStore } from '../../blobs/blob-store.js';
import type { Backends } from '../backends.js';
import type { RateLimitService } from '../rate-limits.js';
import { UploadService } from './upload-service.js';

export interface Files {
  /** Where the bytes live (a directory, or S3). */
  blobs: BlobStore;
  /** Uploads, downloads, thumbnails, the orphan sweep. */
  uploads: UploadService;
  /** Sweeps orphan uploads a few times per UPLOAD_ORPHAN_TTL_SECONDS. */
  start(): void;
  stop(): void;
}

/** Files: the blob store and the uploads kept in it. */
export async function createFiles(
  { config, store, logger }: Pick<Backends, 'config' | 'store' | 'logger'>,
  deps: { rateLimits: RateLimitService },
): Promise<Files> {
  const blobs = await openBlobStore(config);
  const uploads = new UploadService(store, blobs, config, deps.rateLimits, logger.child({ component: 'uploads' }));
  let sweeping: NodeJS.Timeout | undefined;
  return {
    blobs,
    uploads,
    start() {
      // Every node sweeps; each orphan is deleted by one of them (UploadService.sweepOrphans).
      sweeping = setInterval(() => {
        uploads.sweepOrphans().catch((error: unknown) => logger.warn({ err: error }, 'could not sweep orphan uploads'));
      }, orphanSweepIntervalMs(config.uploadOrphanTtlSeconds));
      sweeping.unref();
    },
    stop() {
      clearInterval(sweeping);
    },
  };
}

/** Orphans are swept a few times per TTL (so one lives at most about 1¼ TTL), between once a second and once every 10 minutes. */
export function orphanSweepIntervalMs(ttlSeconds: number): number {
  return Math.min(600_000, Math.max(1000, (ttlSeconds * 1000) / 4));
}
