import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { forbidden, notFound } from '../../errors.js';
import type { BlobStore } from '../../blobs/blob-store.js';
import type { LinkCardThread } from '../../infra/link-card-thread.js';
import type { LinkPreviewConfig } from '../../link-preview-config.js';
import type { LinkPreviewRecord, MessageChange, MessageRecord } from '../../store/store.js';
import type { MembershipCache } from '../conversations/membership.js';
import { messageUpdated } from '../events/event-drafts.js';
import type { MessageService } from './message-service.js';
import {
  type FetchedCard,
  decideCard,
  decideLinkGone,
  decideRemoval,
  imageKeyFor,
  imageVersionOf,
  needsFetch,
  previewTarget,
} from './link-preview-rules.js';

/**
 * Link previews (issue 37). After a send or an edit commits, the node that took it fetches the
 * card of the body's first link (infra/link-card.ts: the SSRF guard, the time and size budget)
 * and commits it through the message writer as a change announced with `message.updated`; the
 * send's answer never waits for it. A fetch lives only in this node's memory: one that dies
 * with its node is lost, and the message simply has no preview (a later edit of the link fetches
 * again). The sender may remove the preview; the picture's blob goes with it.
 */
export class LinkPreviewService {
  private active = 0;
  private readonly queued: (() => void)[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly writer: Pick<MessageService, 'submitUpdate' | 'readMessage'>,
    private readonly membership: MembershipCache,
    private readonly blobs: BlobStore,
    private readonly cards: Pick<LinkCardThread, 'fetch' | 'close'>,
    private readonly settings: LinkPreviewConfig,
    private readonly logger: Logger,
  ) {}

  /** After the commit of a send, edit or delete (MessageActivityFeed.onBodyStored): starts what it needs, waits for nothing. */
  readonly bodyStored = (message: MessageRecord, before: MessageRecord | undefined): void => {
    if (message.deletedAt !== null) {
      this.track(this.dropImage(before?.preview));
      return;
    }
    if (message.preview !== undefined && previewTarget(message) === null) {
      // The edit took the link out: its card goes (decided again from the row as stored).
      this.track(this.commit(message.id, decideLinkGone));
      return;
    }
    const url = this.settings.enabled ? needsFetch(message) : null;
    if (url !== null) this.track(this.preview(message.id, url));
  };

  /** The sender removes the preview (404 to non-members, 403 to other members); it shows as null and is not fetched again. */
  async remove(userId: string, messageId: string): Promise<void> {
    const message = await this.visible(userId, messageId);
    if (message.senderId !== userId) throw forbidden("Only the sender may remove a message's link preview");
    await this.commit(messageId, decideRemoval);
  }

  /** The preview's picture (WebP) for a member; 404 without one, or for another version `v`. */
  async image(userId: string, messageId: string, version: string | undefined): Promise<{ body: Readable; etag: string }> {
    const preview = (await this.visible(userId, messageId)).preview;
    const key = preview && !('removed' in preview) ? preview.imageKey : null;
    if (key === null || (version !== undefined && version !== imageVersionOf(key))) throw notFound('Preview image');
    const body = await this.blobs.get(key);
    if (!body) throw notFound('Preview image');
    return { body, etag: `"${imageVersionOf(key)}"` };
  }

  /** Ends the fetches in flight (shutdown) and waits for them to settle. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const release of this.queued.splice(0)) release();
    while (this.running.size > 0) await Promise.all([...this.running]);
    await this.cards.close();
  }

  /** Resolves once every preview started so far has been stored or given up (tests). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async preview(messageId: string, url: string): Promise<void> {
    if (!(await this.slot())) return;
    let imageKey: string | null = null;
    try {
      const card = await this.cards.fetch(new URL(url), this.stopping.signal);
      if (this.stopping.signal.aborted) return;
      if (card?.image) {
        imageKey = imageKeyFor(messageId, randomBytes(8).toString('hex'));
        await this.blobs.put(imageKey, Readable.from([card.image]));
      }
      const fetched: FetchedCard | null = card && { title: card.title, description: card.description, siteName: card.siteName, imageKey };
      const stored = await this.commit(messageId, (current) => decideCard(current, url, fetched));
      if (stored) imageKey = null; // kept: it is the card's now
    } finally {
      this.release();
      if (imageKey !== null) await this.deleteBlob(imageKey);
    }
  }

  /** Commits a preview change through the message writer; answers whether it changed the message. Drops the picture it replaced. */
  private async commit(messageId: string, decide: MessageChange): Promise<boolean> {
    let previous: LinkPreviewRecord | undefined;
    const outcome = await this.writer.submitUpdate({
      id: messageId,
      change: (current) => {
        previous = current.preview;
        return decide(current);
      },
      announce: messageUpdated,
    });
    if (outcome === undefined) throw notFound('Message');
    if ('refused' in outcome) throw outcome.refused;
    if (outcome.changed) await this.dropImage(previous);
    return outcome.changed;
  }

  private async visible(userId: string, messageId: string): Promise<MessageRecord> {
    const message = await this.writer.readMessage(messageId);
    if (!message || !(await this.membership.members(message.conversationId)).has(userId)) throw notFound('Message');
    return message;
  }

  /** Waits for one of `concurrency` places; false when too many already wait (the preview is skipped) or the node is stopping. */
  private slot(): Promise<boolean> {
    if (this.stopping.signal.aborted) return Promise.resolve(false);
    if (this.active < this.settings.concurrency) {
      this.active += 1;
      return Promise.resolve(true);
    }
    if (this.queued.length >= this.settings.concurrency * 10) {
      this.logger.warn('too many link previews waiting: one is skipped');
      return Promise.resolve(false);
    }
    return new Promise((resolve) => this.queued.push(() => resolve(!this.stopping.signal.aborted)));
  }

  private release(): void {
    const next = this.queued.shift();
    if (next) next();
    else this.active -= 1;
  }

  private async dropImage(preview: LinkPreviewRecord | undefined): Promise<void> {
    if (preview !== undefined && !('removed' in preview) && preview.imageKey !== null) await this.deleteBlob(preview.imageKey);
  }

  /** A blob left behind costs only space: a failure to delete is not the action's failure. */
  private deleteBlob(key: string): Promise<void> {
    return this.blobs.delete(key).catch((error: unknown) => this.logger.warn({ err: error, key }, 'could not delete a link preview image'));
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.then(
      () => {},
      (error: unknown) => this.logger.warn({ err: error }, 'a link preview failed'),
    );
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }
}
