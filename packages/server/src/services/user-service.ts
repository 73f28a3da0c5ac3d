import type { Me, UpdateMeBody, User, UserPage } from '@confab/protocol';
import { notFound } from '../errors.js';
import type { Store } from '../store/store.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { meView, userView } from './views.js';

export class UserService {
  constructor(private readonly store: Store) {}

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

  async search(query: { q?: string; limit?: number; cursor?: string }): Promise<UserPage> {
    const limit = query.limit ?? 20;
    const afterUsername = query.cursor === undefined ? undefined : decodeCursor(query.cursor, isString);
    const rows = await this.store.searchUsers({
      limit: limit + 1,
      ...(query.q === undefined ? {} : { q: query.q }),
      ...(afterUsername === undefined ? {} : { afterUsername }),
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
