import type {
  AuthResponse,
  BlockResponse,
  LoginBody,
  Me,
  PageQuery,
  RegisterBody,
  UpdateMeBody,
  User,
  UserPage,
  UserSearchQuery,
} from '@confab/protocol';
import { ClientBase } from './client-base.js';

/** `ConfabClient`'s calls of signing in and out, my profile, and other people (mixed into it in client.ts). */
export abstract class UserCalls extends ClientBase {
  async register(input: RegisterBody): Promise<AuthResponse> {
    return this.http.adopt(await this.http.request<AuthResponse>('POST', '/api/v1/auth/register', { body: input, auth: false }));
  }

  async login(input: LoginBody): Promise<AuthResponse> {
    return this.http.adopt(await this.http.request<AuthResponse>('POST', '/api/v1/auth/login', { body: input, auth: false }));
  }

  /** Claims an account an import made: the token from the claim mail and a first password; signs in. */
  async claimAccount(token: string, password: string): Promise<AuthResponse> {
    return this.http.adopt(await this.http.request<AuthResponse>('POST', '/api/v1/auth/claim', { body: { token, password }, auth: false }));
  }

  refresh(): Promise<void> {
    return this.http.refreshTokens();
  }

  async logout(): Promise<void> {
    await this.http.request<void>('POST', '/api/v1/auth/logout');
    this.http.setTokens(null);
  }

  me(): Promise<Me> {
    return this.http.request('GET', '/api/v1/users/me');
  }

  updateMe(patch: UpdateMeBody): Promise<Me> {
    return this.http.request('PATCH', '/api/v1/users/me', { body: patch });
  }

  /** Sets my picture (PNG, JPEG, WebP or GIF; the server crops it square): the answer has the new `avatarUrl`. */
  setAvatar(file: Blob, filename = 'avatar'): Promise<Me> {
    const form = new FormData();
    form.append('file', file, filename);
    return this.http.request('PUT', '/api/v1/users/me/avatar', { form });
  }

  /** Removes my picture (`avatarUrl` null). */
  removeAvatar(): Promise<Me> {
    return this.http.request('DELETE', '/api/v1/users/me/avatar');
  }

  /** A user's picture as a fetch `Response` (WebP), from their `avatarUrl` and a size in px (64 or 256). */
  avatar(avatarUrl: string, size: 64 | 256 = 256): Promise<Response> {
    return this.http.fetchRaw('GET', `${avatarUrl}${avatarUrl.includes('?') ? '&' : '?'}size=${String(size)}`);
  }

  searchUsers(query: UserSearchQuery = {}): Promise<UserPage> {
    return this.http.request('GET', '/api/v1/users', { query });
  }

  getUser(userId: string): Promise<User> {
    return this.http.request('GET', `/api/v1/users/${encodeURIComponent(userId)}`);
  }

  /** Blocks (or, with `false`, unblocks) a user; private: they are never told. */
  setBlocked(userId: string, blocked: boolean): Promise<BlockResponse> {
    return this.http.request(blocked ? 'PUT' : 'DELETE', `/api/v1/users/${encodeURIComponent(userId)}/block`);
  }

  blockedUsers(query: PageQuery = {}): Promise<UserPage> {
    return this.http.request('GET', '/api/v1/users/me/blocks', { query });
  }
}
