import type { Logger } from 'pino';
import type { BlobStore } from '../../blobs/blob-store.js';
import type { Config } from '../../config.js';
import type { Store, StoredEvent } from '../../store/store.js';
import { UploadService } from '../files/upload-service.js';
import { RateLimitService } from '../rate-limits.js';
import type { SecurityEvents } from '../security-events.js';
import type { AccountClaim } from '../accounts/account-claim.js';
import { ImportService } from './import-service.js';

export interface Imports {
  imports: ImportService;
}

/**
 * Imports from Slack and Mattermost (issue 37). The export's files are stored as their authors'
 * uploads (size limit and quota as for any upload) but not rate-limited: thousands of files of
 * one person arrive in minutes, and they are the admin's import, not that person's requests.
 */
export function createImports(deps: {
  config: Config;
  store: Store;
  blobs: BlobStore;
  publish: (events: readonly StoredEvent[]) => Promise<void>;
  securityEvents: SecurityEvents;
  logger: Logger;
  /** Mails each account the import creates a link to claim it. */
  claim: Pick<AccountClaim, 'invite'>;
}): Imports {
  const { config, store, logger } = deps;
  const unlimited = new RateLimitService({ ...config.rateLimits, enabled: false }, deps.securityEvents, {
    redis: null,
    prefix: config.redisChannelPrefix,
    logger,
  });
  const uploads = new UploadService(store, deps.blobs, config, unlimited, logger.child({ component: 'import-uploads' }));
  const imports = new ImportService(
    store,
    deps.publish,
    async (ownerId, filename, file) => uploads.create(ownerId, { filename, file }),
    logger.child({ component: 'imports' }),
    { claim: (user, source) => deps.claim.invite(user, source).then(() => {}) },
  );
  return { imports };
}
