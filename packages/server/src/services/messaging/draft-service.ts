import { refuseIfEncrypted } from '../encryption/mls-delivery.js';
import type { Draft, DraftList, SaveDraftBody } from '@confab/protocol';
import { DraftConflict, detail, invalid } from '../../errors.js';
import type { AppendResult, Store } from '../../store/store.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { EventPublisher } from '../events/event-publisher.js';
import { draftUpdated } from '../events/event-drafts.js';
import { draftView } from '../views.js';
import { SCHEDULED_CLIENT_ID_PREFIX, validateBody } from './message-rules.js';

/**
 * Drafts that follow me across devices (issue 37). A save names the version the device last saw
 * and is refused (409 `draft_conflict`, with the draft as stored) once another device has moved
 * it on, so no device silently overwrites another. Every change is a `draft.updated` in my
 * private stream. Sending a message clears my draft of its conversation, right after the send's
 * commit (`clearSent`), so that clearing never holds up the send path's batches.
 */
export class DraftService {
  /** Clears of sent drafts still running: shutdown waits for them (`settled`). */
  private readonly clearing = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly events: Pick<EventPublisher, 'publish'>,
    private readonly maxMessageLength: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  async save(userId: string, conversationId: string, input: SaveDraftBody): Promise<Draft> {
    await this.membership.requireRole(conversationId, userId);
    // A draft is kept on the server in clear: not for an encrypted conversation (issue 39).
    await refuseIfEncrypted(this.store, conversationId, 'A draft kept on the server');
    validateBody(input.body, this.maxMessageLength);
    const replyToId = input.replyToId ?? null;
    if (replyToId !== null) {
      const quoted = await this.store.messages.getMessage(replyToId);
      if (!quoted || quoted.conversationId !== conversationId)
        throw invalid('replyToId must name a message of this conversation', [detail('/replyToId', 'no such message in this conversation')]);
    }
    const outcome = await this.store.drafts.saveDraft(
      { userId, conversationId, body: input.body, replyToId, version: input.version, now: Date.now() },
      draftUpdated,
    );
    if ('conflict' in outcome) throw new DraftConflict(outcome.conflict ? draftView(outcome.conflict) : null);
    await this.events.publish(outcome.events);
    return draftView(outcome.saved);
  }

  /** Clears my draft whatever its version (idempotent). */
  async delete(userId: string, conversationId: string): Promise<void> {
    await this.membership.requireRole(conversationId, userId);
    await this.events.publish(await this.store.drafts.clearDraft(userId, conversationId, Date.now(), draftUpdated));
  }

  async list(userId: string): Promise<DraftList> {
    return { items: (await this.store.drafts.listDrafts(userId)).map(draftView) };
  }

  /**
   * A batch of messages was committed: each sender's draft of the conversation goes, unless saved
   * after the send. A forwarded copy is not typed in the composer, and leaves the draft alone.
   * Where the append already looked and found no draft to clear (`draftToClear` false), nothing
   * is looked up again.
   */
  clearSent(sent: readonly AppendResult[]): void {
    const sends = sent
      .filter(({ draftToClear }) => draftToClear !== false)
      .map(({ message }) => message)
      // Not a scheduled message going out: what I type now is not what I scheduled then.
      .filter((m) => m.kind !== 'system' && m.forwardedFrom === undefined && !m.clientId.startsWith(SCHEDULED_CLIENT_ID_PREFIX))
      .map((m) => ({ userId: m.senderId, conversationId: m.conversationId, sentAt: m.createdAt }));
    if (sends.length === 0) return;
    const run = this.store.drafts
      .clearSent(sends, Date.now(), draftUpdated)
      .then((events) => this.events.publish(events))
      .catch(this.onError)
      .finally(() => this.clearing.delete(run));
    this.clearing.add(run);
  }

  /** Resolves once the clears of sent drafts begun so far have finished (graceful shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.clearing]);
  }
}
