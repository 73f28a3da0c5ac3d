import type { Backends } from '../backends.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { RateLimitService } from '../rate-limits.js';
import { SearchService } from './search-service.js';

export interface Search {
  /** Full-text search of messages, and conversations by name. */
  search: SearchService;
}

/** Search over what the user may read (ranking: search-ranking.ts). */
export function createSearch(
  { config, store }: Pick<Backends, 'config' | 'store'>,
  deps: { membership: MembershipCache; rateLimits: RateLimitService },
): Search {
  return { search: new SearchService(store, deps.membership, { rankWindow: config.searchRankWindow }, deps.rateLimits) };
}
