import { AccountStates } from '../accounts/account-states.js';
import type { Backends } from '../backends.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { NotificationService } from '../notifications/notification-service.js';
import type { RateLimitService } from '../rate-limits.js';
import { BlockService } from './block-service.js';
import { ConversationService } from './conversation-service.js';
import { ConversationSettingsService } from './conversation-settings.js';
import { MembershipCache } from './membership.js';

/**
 * Who may see what, cached on every node: who belongs to which conversation, who blocks whom, and
 * whose account is deactivated (a DM with one refuses sends).
 */
export interface Access {
  membership: MembershipCache;
  blocks: BlockService;
  accountStates: AccountStates;
}

/** Opens the caches; each follows the `cluster` topic through the hub (the bus takes one handler per topic). */
export async function openAccess({ store, bus, hub }: Pick<Backends, 'store' | 'bus' | 'hub'>): Promise<Access> {
  const membership = new MembershipCache(store);
  const accountStates = new AccountStates(store, bus);
  const blocks = new BlockService(store, membership, bus, accountStates);
  const onResync = (listener: () => void) => bus.onResync(listener);
  await membership.followCluster({ subscribe: hub.consumer().subscribe, onResync });
  await blocks.followCluster({ subscribe: hub.consumer().subscribe, onResync });
  await accountStates.followCluster({ subscribe: hub.consumer().subscribe, onResync });
  return { membership, blocks, accountStates };
}

export interface Conversations {
  conversations: ConversationService;
  /** Mine in a conversation: muted, archived, cleared. */
  settings: ConversationSettingsService;
  blocks: BlockService;
}

/** Conversations and their members (an added member is notified), and my settings in each. */
export function createConversations(
  { config, store }: Pick<Backends, 'config' | 'store'>,
  deps: { access: Access; publisher: EventPublisher; notifications: NotificationService; rateLimits: RateLimitService },
): Conversations {
  const { membership, blocks } = deps.access;
  const conversations = new ConversationService(store, membership, blocks, deps.notifications, deps.publisher, config, deps.rateLimits);
  return {
    conversations,
    settings: new ConversationSettingsService(store, membership, conversations, deps.publisher),
    blocks,
  };
}
