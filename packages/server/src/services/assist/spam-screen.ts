import { LRUCache } from 'lru-cache';
import type { NewMessage, Store } from '../../store/store.js';
import type { SendScreen } from '../messaging/held-sends.js';
import { words } from '../../store/search-tokens.js';
import { MIN_WORDS_FOR_DUPLICATES, SpamModel, hammingDistance, simHash, spamFeatures } from './spam-model.js';

/**
 * Trust (docs/assist.md): a sender is trusted, and never scored, once no admin has decided any of
 * their messages is spam and they are an instance admin, or their account is TRUST_AGE_MS old and
 * has sent TRUST_MESSAGES messages. Everyone else is scored on each send.
 */
export const TRUST_AGE_MS = 3 * 86_400_000;
export const TRUST_MESSAGES = 20;
/** A node remembers a sender's standing this long (a spam decision made on this node forgets it at once). */
const TRUST_CACHE_MS = 5 * 60_000;
/** The model is read again from the store this often (another node's admins may have trained it). */
const MODEL_REFRESH_MS = 60_000;
const BURST_WINDOW_MS = 60_000;
const DUPLICATE_WINDOW_MS = 10 * 60_000;
/** Near-identical: SimHashes at most this many bits apart. */
const NEAR_BITS = 3;
const MAX_RECENT_HASHES = 2000;

/**
 * Assist's spam screen on the send path (`MessageService.sendOrHold`). Cheap by design: a trusted
 * sender costs one cache lookup; an untrusted one a model score in memory (the model is cached),
 * plus one read of the sender's standing per TRUST_CACHE_MS, and one write only when the message is held.
 */
export class SpamScreen implements SendScreen {
  private model = new SpamModel();
  private modelLoadedAt = 0;
  private loading: Promise<void> | undefined;
  private readonly trust = new LRUCache<string, boolean>({ max: 50_000, ttl: TRUST_CACHE_MS });
  private readonly sendsBySender = new Map<string, number[]>();
  private recentHashes: { hash: number; at: number }[] = [];

  constructor(
    private readonly store: Store,
    /** ASSIST_SPAM_HOLD; null when Assist is off for the instance (nothing is held). */
    private readonly holdAt: number | null,
    private readonly onError: (error: unknown) => void,
  ) {}

  async screen(draft: NewMessage): Promise<{ draft: NewMessage; created: boolean } | undefined> {
    if (this.holdAt === null || draft.body.trim() === '') return undefined;
    if (await this.trusted(draft.senderId)) return undefined;
    const again = await this.store.assist.getHeldByClientId(draft.senderId, draft.clientId);
    if (again) return { draft: again.draft, created: false };
    const score = this.score(draft, Date.now());
    if (score < this.holdAt) return undefined;
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
    return this.model.score(spamFeatures(draft.body), this.signals(draft, now));
  }

  /** Features of a stored message for training (the send-time signals are not trained: spam-model.ts). */
  static featuresOf(body: string): string[] {
    return spamFeatures(body);
  }

  /** After training: the model is read again, and a sender decided a spammer is no longer trusted here. */
  trained(senderId: string): void {
    this.trust.delete(senderId);
    this.modelLoadedAt = 0;
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

  private signals(draft: Pick<NewMessage, 'senderId' | 'body'>, now: number) {
    const sends = (this.sendsBySender.get(draft.senderId) ?? []).filter((at) => now - at < BURST_WINDOW_MS);
    sends.push(now);
    this.sendsBySender.set(draft.senderId, sends);
    if (this.sendsBySender.size > 10_000) this.forgetIdleSenders(now);
    const hash = words(draft.body).length >= MIN_WORDS_FOR_DUPLICATES ? simHash(draft.body) : 0;
    if (hash === 0) return { recentSends: sends.length - 1, nearDuplicates: 0 };
    this.recentHashes = this.recentHashes.filter((h) => now - h.at < DUPLICATE_WINDOW_MS).slice(-MAX_RECENT_HASHES);
    const nearDuplicates = this.recentHashes.filter((h) => hammingDistance(h.hash, hash) <= NEAR_BITS).length;
    this.recentHashes.push({ hash, at: now });
    return { recentSends: sends.length - 1, nearDuplicates };
  }

  private forgetIdleSenders(now: number): void {
    for (const [id, sends] of this.sendsBySender) if (sends.every((at) => now - at >= BURST_WINDOW_MS)) this.sendsBySender.delete(id);
  }

  /** Reads the model again in the background when stale; the send goes on with the one it has. */
  private refreshModel(now: number): void {
    if (this.loading || now - this.modelLoadedAt < MODEL_REFRESH_MS) return;
    this.modelLoadedAt = now;
    this.loading = this.store.assist
      .spamModel()
      .then((rows) => {
        this.model = new SpamModel(rows);
      })
      .catch(this.onError)
      .finally(() => {
        this.loading = undefined;
      });
  }

  /** Waits for the model being read (tests, and the admin's calls that train it). */
  async ready(): Promise<void> {
    this.refreshModel(Date.now());
    await this.loading;
  }
}
