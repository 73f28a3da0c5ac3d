import type { Backends } from '../backends.js';
import type { BlobStore } from '../../blobs/blob-store.js';
import { type HostResolver, OutboundAddressGuard } from '../../infra/outbound-address-guard.js';
import type { Access } from '../conversations/index.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { UploadService } from '../files/upload-service.js';
import type { RateLimitService } from '../rate-limits.js';
import { LiveLocations } from './live-location.js';
import { MessageActivityFeed } from './message-activity.js';
import { MessageLifecycle } from './message-lifecycle.js';
import { MessageService } from './message-service.js';
import { ThreadService } from './thread-service.js';
import { PollService } from './poll-service.js';
import { ForwardService } from './forwarding.js';
import { SavedService } from './saved-service.js';
import { DraftService } from './draft-service.js';

/** How often each node looks for polls past their `closesAt` (one indexed query; a poll closes within this of its time). */
export const POLL_SWEEP_MS = 1000;
import { TypingService } from './typing-service.js';
import { LinkPreviewService } from './link-previews.js';
import { LinkCardThread } from '../../infra/link-card-thread.js';

export interface Messaging {
  /** Sends (through the group-commit writer), history, receipts. */
  messages: MessageService;
  /** One message after it was sent: edits, deletes, threads, reactions, pins. */
  lifecycle: MessageLifecycle;
  /** Who message actions concern (mentions, replies, reactions): subscribe to notify them. */
  activity: MessageActivityFeed;
  /** Live locations' moves and ends. */
  locations: LiveLocations;
  typing: TypingService;
  /** Threads' own read state: the thread list, read positions, follows. */
  threads: ThreadService;
  /** Polls' votes and closing (issue 37). */
  polls: PollService;
  /** Copies of a message into other conversations (issue 37). */
  forwarding: ForwardService;
  /** My saved messages (issue 37). */
  saved: SavedService;
  /** Link previews: fetched after a send or an edit, removed by the sender (issue 37). */
  previews: LinkPreviewService;
  /** My drafts, synced across my devices and cleared when I send (issue 37). */
  drafts: DraftService;
  /** Starts the sweep that closes polls past their `closesAt` (every node; each poll closes once). */
  start(): void;
  stop(): void;
}

/** Messages and what happens to them after they are sent; every change commits through the one writer. */
export function createMessaging(
  { config, store, bus, logger, metrics }: Pick<Backends, 'config' | 'store' | 'bus' | 'logger' | 'metrics'>,
  deps: {
    access: Access;
    publisher: EventPublisher;
    rateLimits: RateLimitService;
    uploads: UploadService;
    /** Where link previews' pictures are kept. */
    blobs: BlobStore;
    /** Tests resolve links' hosts without DNS; production resolves them (the SSRF guard). */
    resolveHost?: HostResolver;
  },
): Messaging {
  const { membership, blocks } = deps.access;
  const typing = new TypingService(membership, bus, { throttleMs: config.typingThrottleMs, expireMs: config.typingExpireMs });
  const activity = new MessageActivityFeed((error) => logger.warn({ err: error }, 'a message activity listener failed'));
  const messages = new MessageService(store, membership, blocks, bus, deps.publisher, activity, config, deps.rateLimits, metrics);
  const polls = new PollService(store, membership, messages, blocks);
  // Any host, at public addresses only, unless the operator trusts it (LINK_PREVIEW_ALLOW_HOSTS).
  const previewGuard = new OutboundAddressGuard(
    { allowedHosts: ['*'], allowPrivateAddresses: false, trusted: config.linkPreviews.trusted },
    deps.resolveHost,
  );
  const previewLogger = logger.child({ component: 'link-previews' });
  const cards = new LinkCardThread(previewGuard, config.linkPreviews, (error) =>
    previewLogger.warn({ err: error }, 'the link-card thread failed'),
  );
  const previews = new LinkPreviewService(messages, membership, deps.blobs, cards, config.linkPreviews, previewLogger);
  activity.onBodyStored(previews.bodyStored);
  const drafts = new DraftService(store, membership, deps.publisher, config.maxMessageLength, (error) =>
    logger.warn({ err: error }, 'could not clear the drafts of sent messages'),
  );
  messages.onSent((sent) => drafts.clearSent(sent));
  let sweeping: NodeJS.Timeout | undefined;
  return {
    messages,
    lifecycle: new MessageLifecycle(store, membership, messages, activity, config, deps.uploads, blocks),
    activity,
    locations: new LiveLocations(store, membership, messages, blocks),
    typing,
    threads: new ThreadService(store, membership, deps.publisher, config.messagesPageSize),
    polls,
    forwarding: new ForwardService(membership, blocks, messages, store),
    saved: new SavedService(store, membership, deps.publisher, config.messagesPageSize),
    previews,
    drafts,
    start() {
      sweeping = setInterval(() => {
        polls.closeDue().catch((error: unknown) => logger.warn({ err: error }, 'could not close the polls past their closesAt'));
      }, POLL_SWEEP_MS);
      sweeping.unref();
    },
    stop() {
      clearInterval(sweeping);
    },
  };
}
