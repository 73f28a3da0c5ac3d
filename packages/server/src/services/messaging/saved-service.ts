import Type from 'typebox';
import type { PageQuery, SavedPage } from '@confab/protocol';
import { notFound } from '../../errors.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import type { MessageRecord, Store } from '../../store/store.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { EventPublisher } from '../events/event-publisher.js';
import { savedUpdated } from '../events/event-drafts.js';
import { sourcesOfReader } from './forwarding.js';
import { messageView } from '../views.js';

/**
 * Saved messages (issue 37, Slack's "save for later"): mine across conversations, listed only
 * while I can still read them. Each change is a `saved.updated` in my private stream, so my other
 * devices follow.
 */
export class SavedService {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly events: Pick<EventPublisher, 'publish'>,
    private readonly pageSize: number,
  ) {}

  /** Saves (`on`) or unsaves a message I can read; idempotent both ways. */
  async set(userId: string, messageId: string, on: boolean): Promise<void> {
    const message = await this.store.messages.getMessage(messageId);
    if (!message || !(await this.membership.members(message.conversationId)).has(userId)) throw notFound('Message');
    const { events } = await this.store.messages.setSaved(userId, message, on ? Date.now() : null, savedUpdated);
    await this.events.publish(events);
  }

  async list(userId: string, query: PageQuery): Promise<SavedPage> {
    const limit = query.limit ?? this.pageSize;
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, SavedKey);
    const rows = await this.store.messages.listSaved(userId, { limit: limit + 1, ...(before ? { before } : {}) });
    const items = rows.slice(0, limit);
    const sources = await sourcesOfReader(
      this.membership,
      userId,
      items.map((r): MessageRecord => r.message),
    );
    const last = items.at(-1);
    return {
      items: items.map((r) => ({ message: messageView(r.message, sources), savedAt: new Date(r.savedAt).toISOString() })),
      nextCursor: rows.length > limit && last ? encodeCursor({ savedAt: last.savedAt, messageId: last.message.id }) : null,
    };
  }
}

/** A decoded cursor of this list: the last item's (saved time, message id). */
const SavedKey = Type.Object({ savedAt: CursorFields.integer, messageId: CursorFields.id }, { additionalProperties: false });
