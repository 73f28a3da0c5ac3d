import type { ChangePasswordBody, DeleteMeBody, SessionsEndedResponse } from '@confab/protocol';
import { AppError, notFound } from '../../errors.js';
import type { Store, UserRecord } from '../../store/store.js';
import type { AccessClaims } from './token-service.js';
import type { MessageLifecycle } from '../messaging/message-lifecycle.js';
import type { Passwords } from './passwords.js';
import type { SecurityEvents } from '../security-events.js';
import type { SessionService } from './session-service.js';
import type { AvatarService } from './avatar-service.js';
import type { ProfileAnnouncer } from './profile-announcer.js';

const ERASE_PAGE = 200;

/** What a signed-in user does to their own account with their password: change it, or erase the account. */
export class AccountService {
  constructor(
    private readonly store: Store,
    private readonly passwords: Passwords,
    private readonly sessions: SessionService,
    private readonly lifecycle: MessageLifecycle,
    private readonly events: SecurityEvents,
    private readonly avatars: AvatarService,
    private readonly profiles: ProfileAnnouncer,
  ) {}

  /** The other sessions end (sockets closed with 4403 on every node) unless `keepOtherSessions`. */
  async changePassword(claims: AccessClaims, body: ChangePasswordBody): Promise<SessionsEndedResponse> {
    await this.confirmPassword(claims.userId, body.currentPassword);
    this.passwords.checkNew(body.newPassword, '/newPassword');
    await this.store.accounts.setPasswordHash(claims.userId, await this.passwords.hash(body.newPassword));
    // Reset links mailed before no longer apply to the new password.
    await this.store.accounts.spendAccountTokens(claims.userId, 'password_reset', Date.now());
    const sessionsEnded = body.keepOtherSessions === true ? 0 : await this.sessions.endAll(claims.userId, claims.sessionId);
    this.events.record({ type: 'password.changed', userId: claims.userId, sessionsEnded });
    return { sessionsEnded };
  }

  /**
   * Erases the account: with `eraseMessages`, every message I wrote is first deleted through the
   * message delete path (tombstones, events to the members); then the profile is blanked, the
   * username held for USERNAME_HOLD_DAYS, the picture's blobs deleted, every session ended, and
   * the people I shared a conversation with told (`user.updated`: "Deleted user", no picture).
   */
  async erase(userId: string, body: DeleteMeBody): Promise<void> {
    const before = await this.confirmPassword(userId, body.password);
    let messagesErased = 0;
    if (body.eraseMessages === true) messagesErased = await this.eraseMessages(userId);
    await this.store.accounts.eraseUser(userId, Date.now());
    await this.avatars.erased(userId, before.avatarVersion);
    const after = await this.store.users.getUser(userId);
    if (after) await this.profiles.changed(before, after);
    await this.sessions.endAll(userId);
    this.events.record({ type: 'account.erased', userId, messagesErased });
  }

  private async eraseMessages(userId: string): Promise<number> {
    let erased = 0;
    for (let afterId: string | undefined; ;) {
      const page = await this.store.accounts.listMessagesBySender(userId, { limit: ERASE_PAGE, ...(afterId ? { afterId } : {}) });
      // A page at once: group commit writes them in one transaction.
      const live = page.filter((message) => message.deletedAt === null);
      await Promise.all(live.map((message) => this.lifecycle.eraseAsAuthor(userId, message.id)));
      erased += live.length;
      if (page.length < ERASE_PAGE) return erased;
      afterId = page.at(-1)!.id;
    }
  }

  private async confirmPassword(userId: string, password: string): Promise<UserRecord> {
    const user = await this.store.users.getUser(userId);
    if (!user || user.deletedAt !== null) throw notFound('User');
    if (!(await this.passwords.verify(user.passwordHash, password))) throw new AppError('wrong_password', 'The password is not right');
    return user;
  }
}
