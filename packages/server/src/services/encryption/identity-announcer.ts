import { type EventBus, conversationTopic, userTopic } from '../../bus/bus.js';
import type { Store } from '../../store/store.js';

/**
 * Tells everyone who shares a conversation with a user, and the user's own devices, that the user
 * published a new identity key (`identity.updated`, issue 39): their clients read the signed list
 * again and show the change at once, rather than at their next look. Only the user id: the key is
 * read from the signed list, never trusted from an event. Published after the list is stored,
 * one publish per conversation topic (as `user.updated`); not logged: a client back from offline
 * compares keys when it next shows the person. Likewise a revoked device (`device.revoked`, with
 * the device id): members' devices commit its removal from the groups they share with it.
 */
export class IdentityAnnouncer {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
  ) {}

  async changed(userId: string): Promise<void> {
    await this.bus.publish(await this.topicsOf(userId), { type: 'identity.updated', userId });
  }

  /** The user revoked a device (`device.revoked`): the members' devices in a group with it commit its removal. */
  async revoked(userId: string, deviceId: string): Promise<void> {
    await this.bus.publish(await this.topicsOf(userId), { type: 'device.revoked', userId, deviceId });
  }

  private async topicsOf(userId: string): Promise<string[]> {
    const conversationIds = (await this.store.conversations.listConversationIds([userId])).get(userId) ?? [];
    return [userTopic(userId), ...conversationIds.map(conversationTopic)];
  }
}
