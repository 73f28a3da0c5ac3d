import type { ConversationDetail } from '@confab/protocol';
import { notFound } from '../../errors.js';
import type { SettingsChange, Store } from '../../store/store.js';
import type { ConversationService } from './conversation-service.js';
import type { EventPublisher } from '../events/event-publisher.js';
import { settingsUpdated } from '../events/event-drafts.js';
import type { MembershipCache } from './membership.js';

/**
 * My own settings of a conversation — mute, star, archive, clear history — which change nothing for the
 * other members. Each change is a `conversation.updated` with `settings` in my private stream, so
 * my other devices (and a device that resumes later) apply it.
 */
export class ConversationSettingsService {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly conversations: ConversationService,
    private readonly events: EventPublisher,
  ) {}

  /** A muted conversation still counts unread, but notifies me only when I am mentioned. */
  setMuted(userId: string, conversationId: string, muted: boolean): Promise<ConversationDetail> {
    return this.change(userId, conversationId, { muted });
  }

  /** Pinned to the top of my list (on each of my devices: the list orders it, the server does not). */
  setStarred(userId: string, conversationId: string, starred: boolean): Promise<ConversationDetail> {
    return this.change(userId, conversationId, { starred });
  }

  /** Hidden from my list until a new message arrives; a DM, which cannot be left, can be archived. */
  setArchived(userId: string, conversationId: string, archived: boolean): Promise<ConversationDetail> {
    return this.change(userId, conversationId, { archived });
  }

  /** Clears my history up to the conversation's last seq now; new messages arrive as before. */
  clear(userId: string, conversationId: string): Promise<ConversationDetail> {
    return this.change(userId, conversationId, { clear: true });
  }

  private async change(userId: string, conversationId: string, change: SettingsChange): Promise<ConversationDetail> {
    await this.membership.requireRole(conversationId, userId);
    const updated = await this.store.members.updateMemberSettings(conversationId, userId, change, settingsUpdated(userId));
    if (!updated) throw notFound('Conversation');
    await this.events.publish(updated.events);
    return this.conversations.get(userId, conversationId);
  }
}
