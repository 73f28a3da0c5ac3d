import type { Message, UpdateLocationBody } from '@confab/protocol';
import { AppError, forbidden, notFound } from '../../errors.js';
import type { LocationRecord, MessageChange, MessageRecord, Store } from '../../store/store.js';
import type { BlockService } from '../conversations/block-service.js';
import type { MessageService } from './message-service.js';
import type { MembershipCache } from '../conversations/membership.js';
import { messageUpdated } from '../events/event-drafts.js';
import { messageView } from '../views.js';

/**
 * Live locations: the author of a `location` message with a `liveUntil` moves it until then, or
 * stops it early. Each move is a change of the stored message (decided from it as stored, in the
 * writer's transaction) announced as `message.updated`, as an edit is.
 */
export class LiveLocations {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly writer: Pick<MessageService, 'submitUpdate'>,
    /** In a DM, a block either way refuses a move (it reaches the other side); stopping stays (issue 35). */
    private readonly blocks: Pick<BlockService, 'assertMayReach'>,
    /** The clock deciding whether a location is still live (tests pass their own). */
    private readonly now: () => number = Date.now,
  ) {}

  /** Moves my live location; 409 conflict once it has ended (or for a message that is not a live location). */
  async update(userId: string, messageId: string, input: UpdateLocationBody): Promise<Message> {
    const message = await this.authored(userId, messageId);
    await this.blocks.assertMayReach(userId, message.conversationId);
    return this.change(messageId, (current) => {
      const location = liveLocation(current);
      if (location.liveUntil! <= this.now()) throw new AppError('conflict', 'This live location has ended');
      return { location: { ...location, lat: input.lat, lng: input.lng, accuracyM: input.accuracyM ?? null } };
    });
  }

  /** Ends my live location now (`liveUntil` becomes now); idempotent once ended. */
  async stop(userId: string, messageId: string): Promise<Message> {
    await this.authored(userId, messageId);
    return this.change(messageId, (current) => {
      const now = this.now();
      const location = liveLocation(current);
      return location.liveUntil! <= now ? null : { location: { ...location, liveUntil: now } };
    });
  }

  /** 404 for a message I may not see (as for none), 403 for one I did not write. */
  private async authored(userId: string, messageId: string): Promise<MessageRecord> {
    const message = await this.store.messages.getMessage(messageId);
    if (!message || !(await this.membership.members(message.conversationId)).has(userId)) throw notFound('Message');
    if (message.senderId !== userId) throw forbidden('Only the author moves or stops a live location');
    return message;
  }

  private async change(messageId: string, decide: MessageChange): Promise<Message> {
    const outcome = await this.writer.submitUpdate({ id: messageId, change: decide, announce: messageUpdated });
    if (outcome === undefined) throw notFound('Message');
    if ('refused' in outcome) throw outcome.refused;
    return messageView(outcome.message);
  }
}

/** The message's location when it is a live one (not deleted); else 409 conflict. */
function liveLocation(message: MessageRecord): LocationRecord {
  if (message.deletedAt !== null) throw new AppError('conflict', 'The message was deleted');
  if (message.kind !== 'location' || !message.location || message.location.liveUntil === null)
    throw new AppError('conflict', 'This message is not a live location');
  return message.location;
}
