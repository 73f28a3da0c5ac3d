import type { Message, Role } from '@confab/protocol';
import { forbidden, notFound } from '../../errors.js';
import type { MessageChange, MessageRecord, Store } from '../../store/store.js';
import type { BlockService } from '../conversations/block-service.js';
import type { MembershipCache } from '../conversations/membership.js';
import { messageUpdated } from '../events/event-drafts.js';
import { messageView } from '../views.js';
import type { MessageService } from './message-service.js';
import { decideClose, decideDueClose, decideVote } from './polls.js';

/** How many due polls one sweep closes at most (the next sweep takes the rest). */
const DUE_BATCH = 200;

/**
 * Poll actions (issue 37): voting, closing by hand, and closing when `closesAt` passes. Each is a
 * change decided from the message as stored inside its transaction (polls.ts), committed through
 * the message writer and announced as `message.updated`, so concurrent votes are all kept and a
 * poll closes exactly once whichever nodes sweep: the second close decides "nothing to change".
 */
export class PollService {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly writer: Pick<MessageService, 'submitUpdate' | 'readMessage'>,
    private readonly blocks: Pick<BlockService, 'assertMayReach'>,
  ) {}

  /** Replaces my vote (`[]` retracts it); 409 once closed or in a DM with a block either way. */
  async vote(userId: string, messageId: string, optionIds: readonly string[]): Promise<Message> {
    const { message } = await this.visible(userId, messageId);
    await this.blocks.assertMayReach(userId, message.conversationId);
    const now = Date.now();
    return messageView(await this.change(messageId, (current) => decideVote(current, userId, optionIds, now)));
  }

  /** Closes the poll: its author, or an owner or admin of the group. Idempotent. */
  async close(userId: string, messageId: string): Promise<Message> {
    const { message, role } = await this.visible(userId, messageId);
    if (message.senderId !== userId) {
      const kind = (await this.store.conversations.getConversation(message.conversationId))?.kind;
      if (kind !== 'group' || (role !== 'owner' && role !== 'admin'))
        throw forbidden('Only the author, or an owner or admin of the group, may close a poll');
    }
    const now = Date.now();
    return messageView(await this.change(messageId, (current) => decideClose(current, now)));
  }

  /**
   * Closes the polls whose `closesAt` has passed (every node runs this; each poll closes once).
   * Answers how many this call closed.
   */
  async closeDue(now: number = Date.now()): Promise<number> {
    const ids = await this.store.messages.listDue(now, DUE_BATCH);
    const outcomes = await Promise.all(
      ids.map((id) => this.writer.submitUpdate({ id, change: (current) => decideDueClose(current, now), announce: messageUpdated })),
    );
    return outcomes.filter((o) => o !== undefined && 'changed' in o && o.changed).length;
  }

  private async visible(userId: string, messageId: string): Promise<{ message: MessageRecord; role: Role }> {
    const message = await this.writer.readMessage(messageId);
    const role = message && (await this.membership.members(message.conversationId)).get(userId);
    if (!message || role === undefined) throw notFound('Message');
    return { message, role };
  }

  private async change(messageId: string, decide: MessageChange): Promise<MessageRecord> {
    const outcome = await this.writer.submitUpdate({ id: messageId, change: decide, announce: messageUpdated });
    if (outcome === undefined) throw notFound('Message');
    if ('refused' in outcome) throw outcome.refused;
    return outcome.message;
  }
}
