import { hash } from '@node-rs/argon2';
import type { Me, RegisterBody, UpdateMeBody, User, UserPage } from '@confab/protocol';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { type Store, UniqueViolation, type UserRecord } from '../store/store.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { meView, userView } from './views.js';

export class UserService {
  constructor(
    private readonly store: Store,
    /** DIRECTORY: whom a search finds (`shared`: people I share a conversation with, or an exact username). */
    private readonly directory: 'all' | 'shared' = 'all',
  ) {}

  /**
   * Opens an account: the one way users are made, by sign-up (AuthService.register) and by
   * `confab admin create`. The password is hashed with argon2id on libuv's thread pool. With an
   * invite, it is spent in the same transaction (a taken username leaves it unspent).
   */
  async create(input: RegisterBody, role: { isAdmin: boolean } = { isAdmin: false }, invite?: { tokenHash: string }): Promise<UserRecord> {
    const user: UserRecord = {
      id: newId(),
      username: input.username,
      displayName: input.displayName ?? input.username,
      bio: '',
      email: input.email ?? null,
      isAdmin: role.isAdmin,
      hideLastSeen: false,
      lastSeenAt: null,
      passwordHash: await hash(input.password),
      createdAt: Date.now(),
    };
    try {
      if (invite === undefined) await this.store.insertUser(user);
      else if (!(await this.store.insertUserWithInvite(user, invite.tokenHash, user.createdAt)))
        throw new AppError('invite_invalid', 'This invite is not valid: it may have been used or have expired');
    } catch (error) {
      if (error instanceof UniqueViolation) throw new AppError('username_taken', `The username "${input.username}" is taken`);
      throw error;
    }
    return user;
  }

  /** Makes the user with this username (ignoring case) an administrator; undefined when there is none. */
  async makeAdministrator(username: string): Promise<Me | undefined> {
    const user = await this.store.getUserByUsername(username);
    if (!user) return undefined;
    const updated = await this.store.updateUser(user.id, { isAdmin: true });
    return updated && meView(updated);
  }

  async getMe(userId: string): Promise<Me> {
    const user = await this.store.getUser(userId);
    if (!user) throw notFound('User');
    return meView(user);
  }

  async updateMe(userId: string, patch: UpdateMeBody): Promise<Me> {
    const user = await this.store.updateUser(userId, patch);
    if (!user) throw notFound('User');
    return meView(user);
  }

  async getUser(userId: string): Promise<User> {
    const user = await this.store.getUser(userId);
    if (!user) throw notFound('User');
    return userView(user);
  }

  async search(viewerId: string, query: { q?: string; limit?: number; cursor?: string }): Promise<UserPage> {
    const limit = query.limit ?? 20;
    const afterUsername = query.cursor === undefined ? undefined : decodeCursor(query.cursor, isString);
    const rows = await this.store.searchUsers({
      limit: limit + 1,
      ...(query.q === undefined ? {} : { q: query.q }),
      ...(afterUsername === undefined ? {} : { afterUsername }),
      ...(this.directory === 'shared' ? { sharedWith: viewerId } : {}),
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(userView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.username.toLowerCase()) : null,
    };
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
