import { type Me, type RegisterBody, type UpdateMeBody, type User, type UserPage, normalizeUsername, usernameKey } from '@confab/protocol';
import { AppError, detail, invalid, notFound } from '../../errors.js';
import { canonicalTimeZone } from './time-zone.js';
import { newId } from '../../ids.js';
import { type Store, UniqueViolation, type UserRecord } from '../../store/store.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import type { Passwords } from './passwords.js';
import { meView, userView } from '../views.js';
import type { ProfileAnnouncer } from './profile-announcer.js';

export class UserService {
  constructor(
    private readonly store: Store,
    private readonly passwords: Passwords,
    /** USERNAME_HOLD_DAYS: an erased account's username is free again this long after. */
    private readonly usernameHoldDays: number,
    /** DIRECTORY: whom a search finds (`shared`: people I share a conversation with, or an exact username). */
    private readonly directory: 'all' | 'shared' = 'all',
    /** Tells the people I share a conversation with about a new name, bio or time zone; the CLI has none. */
    private readonly profiles?: ProfileAnnouncer,
  ) {}

  /**
   * Opens an account: the one way users are made, by sign-up (AuthService.register) and by
   * `confab admin create`. The username is kept in NFKC form; a common password is refused; the
   * password is hashed with argon2id (services/accounts/passwords.ts). With an invite, it is spent in the
   * same transaction (a taken username leaves it unspent).
   */
  async create(input: RegisterBody, role: { isAdmin: boolean } = { isAdmin: false }, invite?: { tokenHash: string }): Promise<UserRecord> {
    const username = normalizeUsername(input.username);
    this.passwords.checkNew(input.password, '/password');
    const now = Date.now();
    // The name of an account erased long enough ago is taken back from it first.
    await this.store.accounts.releaseUsername(usernameKey(username), now - this.usernameHoldDays * 86_400_000);
    const user: UserRecord = {
      id: newId(),
      username,
      displayName: input.displayName ?? input.username,
      bio: '',
      timeZone: null,
      email: input.email ?? null,
      isAdmin: role.isAdmin,
      hideLastSeen: false,
      locale: null,
      lastSeenAt: null,
      emailVerified: false,
      deletedAt: null,
      deactivatedAt: null,
      avatarVersion: null,
      passwordHash: await this.passwords.hash(input.password),
      createdAt: now,
    };
    try {
      if (invite === undefined) await this.store.users.insertUser(user);
      else if (!(await this.store.invites.insertUserWithInvite(user, invite.tokenHash, user.createdAt)))
        throw new AppError('invite_invalid', 'This invite is not valid: it may have been used or have expired');
    } catch (error) {
      if (error instanceof UniqueViolation && error.constraint.includes('email'))
        throw new AppError('email_taken', 'Another account has this email address');
      if (error instanceof UniqueViolation) throw new AppError('username_taken', `The username "${username}" is taken`);
      throw error;
    }
    return user;
  }

  /** Makes the user with this username (ignoring case) an administrator; undefined when there is none. */
  async makeAdministrator(username: string): Promise<Me | undefined> {
    const user = await this.store.users.getUserByUsername(username);
    if (!user) return undefined;
    const updated = await this.store.users.updateUser(user.id, { isAdmin: true });
    return updated && meView(updated);
  }

  async getMe(userId: string): Promise<Me> {
    const user = await this.store.users.getUser(userId);
    if (!user) throw notFound('User');
    return meView(user);
  }

  async updateMe(userId: string, patch: UpdateMeBody): Promise<Me> {
    const locale = patch.locale === undefined || patch.locale === null ? patch.locale : canonicalLocale(patch.locale);
    let timeZone = patch.timeZone;
    if (typeof timeZone === 'string') {
      timeZone = canonicalTimeZone(timeZone);
      if (timeZone === undefined) {
        throw invalid('Unknown time zone', [detail('/timeZone', 'Not an IANA time zone this server knows', { timeZone: patch.timeZone })]);
      }
    }
    const before = await this.store.users.getUser(userId);
    const user = await this.store.users.updateUser(userId, {
      ...patch,
      ...(locale === undefined ? {} : { locale }),
      ...(timeZone === undefined ? {} : { timeZone }),
    });
    if (!user) throw notFound('User');
    await this.profiles?.changed(before, user);
    return meView(user);
  }

  async getUser(userId: string): Promise<User> {
    const user = await this.store.users.getUser(userId);
    if (!user) throw notFound('User');
    return userView(user);
  }

  async search(viewerId: string, query: { q?: string; limit?: number; cursor?: string }): Promise<UserPage> {
    const limit = query.limit ?? 20;
    const afterUsername = query.cursor === undefined ? undefined : decodeCursor(query.cursor, CursorFields.text);
    // Deactivated accounts leave the directory for everyone but admins (issue 35).
    const viewer = await this.store.users.getUser(viewerId);
    const rows = await this.store.users.searchUsers({
      limit: limit + 1,
      includeDeactivated: viewer?.isAdmin === true,
      ...(query.q === undefined ? {} : { q: query.q }),
      ...(afterUsername === undefined ? {} : { afterUsername }),
      ...(this.directory === 'shared' ? { sharedWith: viewerId } : {}),
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(userView),
      nextCursor: rows.length > limit && last ? encodeCursor(usernameKey(last.username)) : null,
    };
  }
}

/** A BCP 47 tag in its canonical form (`EN-gb` → `en-GB`), or 400 when it is not one (issue 38: search stems by it). */
function canonicalLocale(tag: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0]!;
  } catch {
    throw invalid('locale is not a BCP 47 language tag', [detail('/locale', 'must be a BCP 47 language tag, such as en or pt-BR')]);
  }
}
