import type { Backends } from '../backends.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { RateLimitService } from '../rate-limits.js';
import { type ReindexJob, createReindexJob } from './reindex-job.js';
import { SearchService } from './search-service.js';

export interface Search {
  /** Full-text search of messages, and conversations by name. */
  search: SearchService;
  /** Indexes again the messages stored before the token index (started with the server). */
  reindex: ReindexJob;
}

/** Search over what the user may read (ranking: search-ranking.ts). */
export function createSearch(
  { config, store, logger, metrics }: Pick<Backends, 'config' | 'store' | 'logger' | 'metrics'>,
  deps: { membership: MembershipCache; rateLimits: RateLimitService },
): Search {
  return {
    search: new SearchService(store, deps.membership, { rankWindow: config.searchRankWindow }, deps.rateLimits),
    reindex: createReindexJob(store, logger.child({ component: 'search' }), metrics),
  };
}
