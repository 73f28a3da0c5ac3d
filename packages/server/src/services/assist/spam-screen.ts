import { LRUCache } from 'lru-cache';
import { CLUSTER_TOPIC, type ClusterNotice, type EventBus, type SpamTrainedNotice } from '../../bus/bus.js';
import type { NewMessage, Store } from '../../store/store.js';
import type { ClusterFeed } from '../conversations/membership.js';
import type { SendScreen } from '../messaging/held-sends.js';
import { HoldFence } from './hold-fence.js';
import { RecentHashes } from './recent-hashes.js';
import { SendTimes } from './send-times.js';
import { SpamModel, readSend, spamFeatures } from './spam-model.js';

/**
 * Trust (docs/assist.md): a sender is trusted, and never scored, once no admin has decided any of
 * their messages is spam and they are an instance admin, or their account is TRUST_AGE_MS old and
 * has sent TRUST_MESSAGES messages. Everyone else is scored on each send.
 */
export const TRUST_AGE_MS = 3 * 86_400_000;
export const TRUST_MESSAGES = 20;
/** A node remembers a sender's standing this long (a decision about their message, on any node, forgets it at once). */
const TRUST_CACHE_MS = 5 * 60_000;
/** The model is read again from the store this often at least (news of training makes it read at once). */
const MODEL_REFRESH_MS = 60_000;
/** Read no more often than this to keep skipping the held lookup (hold-fence.ts), even while reads fail. */
const MIN_READ_INTERVAL_MS = 1000;
const BURST_WINDOW_MS = 60_000;
const DUPLICATE_WINDOW_MS = 10 * 60_000;
/** Near-identical: SimHashes at most this many bits apart. */
const NEAR_BITS = 3;
const MAX_RECENT_HASHES = 2000;
/** Senders whose burst window is kept before the idle ones are forgotten. */
const MAX_SENDERS = 10_000;

/**
 * Assist's spam screen on the send path (`MessageService.sendOrHold`). Cheap by design: a trusted
 * sender costs one cache lookup; an untrusted one a model score in memory (the model is cached),
 * plus one read of the sender's standing per TRUST_CACHE_MS, a read of what it held before under
 * this clientId unless no message can be held (hold-fence.ts), and one write only when the message is held.
 */
export class SpamScreen implements SendScreen {
  private model = new SpamModel();
  private modelLoadedAt = -Infinity;
  private loading: Promise<void> | undefined;
  /** News of training arrived while a read ran: read again after it. */
  private stale = true;
  private readonly fence: HoldFence;
  private readonly trust = new LRUCache<string, boolean>({ max: 50_000, ttl: TRUST_CACHE_MS });
  private readonly sendTimes = new SendTimes(BURST_WINDOW_MS, MAX_SENDERS);
  private readonly recentHashes = new RecentHashes(MAX_RECENT_HASHES, DUPLICATE_WINDOW_MS);

  constructor(
    private readonly store: Store,
    /** ASSIST_SPAM_HOLD; null when Assist is off for the instance (nothing is held). */
    private readonly holdAt: number | null,
    private readonly onError: (error: unknown) => void,
    /** Tells the other nodes of training (`cluster` topic); `lossless` when this node is the only one. */
    private readonly bus: Pick<EventBus, 'publish' | 'lossless'>,
    fence?: HoldFence,
  ) {
    this.fence = fence ?? new HoldFence(bus.lossless);
  }

  /** Hears of training done on any node (and of lost news): the model is read again at once. */
  async followCluster(feed: ClusterFeed): Promise<void> {
    feed.onResync(() => this.heardOfTraining());
    await feed.subscribe(CLUSTER_TOPIC, ({ event }) => {
      // The topic carries node notices beside client events (bus.ts `ClusterNotice`).
      const notice = event as unknown as ClusterNotice;
      if (notice.type === 'assist.spam-trained') this.heardOfTraining(notice.senderId);
    });
  }

  async screen(draft: NewMessage): Promise<{ draft: NewMessage; created: boolean } | undefined> {
    if (this.holdAt === null || draft.body.trim() === '') return undefined;
    if (await this.trusted(draft.senderId)) return undefined;
    this.refreshModel(Date.now());
    // No message can be held anywhere (hold-fence.ts): a repeat of this send was not held either.
    if (!this.fence.noneHeld()) {
      const again = await this.store.assist.getHeldByClientId(draft.senderId, draft.clientId);
      if (again) return { draft: again.draft, created: false };
    }
    const score = this.score(draft, Date.now());
    if (score < this.holdAt || !this.fence.mayHold()) return undefined;
    const created = await this.store.assist.hold({ draft, score }, Date.now());
    // Lost a race with a repeat of the same send: answer what that one held.
    if (!created) {
      const held = await this.store.assist.getHeldByClientId(draft.senderId, draft.clientId);
      if (held) return { draft: held.draft, created: false };
    }
    return { draft, created: true };
  }

  /** The score of a send now (and it is counted in the burst and near-duplicate windows). */
  score(draft: Pick<NewMessage, 'senderId' | 'body'>, now: number): number {
    this.refreshModel(now);
    const { features, hash } = readSend(draft.body);
    return this.model.score(features, this.signals(draft.senderId, hash, now));
  }

  /** Features of a stored message for training (the send-time signals are not trained: spam-model.ts). */
  static featuresOf(body: string): string[] {
    return spamFeatures(body);
  }

  /**
   * After an admin's decision committed: every node reads the model again (this one before it
   * answers), and forgets the sender's standing (a spammer is no longer trusted).
   */
  async trained(senderId: string): Promise<void> {
    this.heardOfTraining(senderId);
    const notice: SpamTrainedNotice = { type: 'assist.spam-trained', senderId };
    await this.bus.publish([CLUSTER_TOPIC], notice);
    await this.ready();
  }

  private heardOfTraining(senderId?: string): void {
    if (senderId !== undefined) this.trust.delete(senderId);
    this.fence.distrust();
    this.stale = true;
    this.refreshModel(Date.now());
  }

  private async trusted(userId: string): Promise<boolean> {
    const known = this.trust.get(userId);
    if (known !== undefined) return known;
    const [user, standing] = await Promise.all([
      this.store.users.getUser(userId),
      this.store.assist.senderStanding(userId, TRUST_MESSAGES),
    ]);
    const trusted =
      user !== undefined &&
      standing.spamDecisions === 0 &&
      (user.isAdmin || (Date.now() - user.createdAt >= TRUST_AGE_MS && standing.messagesSent >= TRUST_MESSAGES));
    this.trust.set(userId, trusted);
    return trusted;
  }

  /** `hash`: the send's SimHash, 0 when it is too short to compare. */
  private signals(senderId: string, hash: number, now: number) {
    const recentSends = this.sendTimes.record(senderId, now);
    if (hash === 0) return { recentSends, nearDuplicates: 0 };
    const nearDuplicates = this.recentHashes.countNear(hash, NEAR_BITS, now);
    this.recentHashes.add(hash, now);
    return { recentSends, nearDuplicates };
  }

  /** Reads the model again in the background when due; the send goes on with the one it has. */
  private refreshModel(now: number): void {
    if (this.loading) return;
    const sinceRead = now - this.modelLoadedAt;
    if (!this.stale && sinceRead < MODEL_REFRESH_MS && !(this.fence.wantsRead() && sinceRead >= MIN_READ_INTERVAL_MS)) return;
    this.stale = false;
    this.modelLoadedAt = now;
    const read = this.fence.readStarted();
    this.loading = this.store.assist
      .spamModel()
      .then((rows) => {
        this.model = new SpamModel(rows);
        this.fence.readCompleted(read, this.model.canScore);
      })
      .catch(this.onError)
      .finally(() => {
        this.loading = undefined;
        // News arrived during the read, which may predate it: once more.
        if (this.stale) this.refreshModel(Date.now());
      });
  }

  /** Waits until the model read holds every decision made before the call (tests, and the admin's calls that train it). */
  async ready(): Promise<void> {
    this.refreshModel(Date.now());
    while (this.loading) await this.loading;
  }
}
