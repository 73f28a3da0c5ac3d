import type { User } from '@confab/protocol';
import { type EventBus, conversationTopic, userTopic } from '../../bus/bus.js';
import type { Store, UserRecord } from '../../store/store.js';
import { userView } from '../views.js';

/**
 * Tells everyone who shares a conversation with a user that their public profile changed
 * (`user.updated`, issue 36 item 2), and the user's own devices. Like presence, one publish per
 * conversation topic rather than one per contact; someone sharing several conversations hears it
 * once per conversation, which is harmless: the event is state. Called after the change is
 * stored (services emit after commit); not logged, so a client back from offline reads profiles
 * afresh rather than replaying them.
 */
export class ProfileAnnouncer {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
  ) {}

  /** Announces `after` when what others see of it differs from `before` (a private setting changes nothing they see). */
  async changed(before: UserRecord | undefined, after: UserRecord): Promise<void> {
    const user = userView(after);
    if (before !== undefined && samePublicProfile(userView(before), user)) return;
    const conversationIds = (await this.store.conversations.listConversationIds([after.id])).get(after.id) ?? [];
    await this.bus.publish([userTopic(after.id), ...conversationIds.map(conversationTopic)], { type: 'user.updated', user });
  }
}

function samePublicProfile(a: User, b: User): boolean {
  return (
    a.username === b.username &&
    a.displayName === b.displayName &&
    a.bio === b.bio &&
    a.timeZone === b.timeZone &&
    a.avatarUrl === b.avatarUrl &&
    a.deleted === b.deleted &&
    a.deactivated === b.deactivated
  );
}
