import { ApiError, ConfabClient, type RealtimeConnection, type Tokens } from '@confab/client';
import type { LoginBody, Me, RegisterBody } from '@confab/protocol';
import { forgetPush } from '../features/push/browser-push.js';
import { loadTokens, onTokensElsewhere, saveTokens } from './token-storage.js';
import { forgetOutbox } from '../state/outbox-storage.js';
import { forgetDrafts } from '../features/composer/drafts.js';
import { browserDevice } from '../features/encryption/browser-device.js';

/** What the app shows: a splash while it finds out, the sign-in pages, or the signed-in app. */
export type SessionState =
  | { status: 'starting' }
  | { status: 'signed-out'; notice?: string }
  | { status: 'unreachable'; message: string }
  | { status: 'signed-in'; me: Me; client: ConfabClient; connection: RealtimeConnection };

/**
 * The signed-in person and everything that hangs off them: the SDK client (tokens persisted on
 * every rotation), the realtime connection, and the transitions between signed in and out.
 * A plain class with `subscribe`/`getState`, read by React through `useSyncExternalStore`.
 */
export class SessionController {
  private state: SessionState = { status: 'starting' };
  private readonly listeners = new Set<() => void>();
  private stopWatchingTabs: (() => void) | undefined;
  /** True while this app closes a connection itself, which is not the server ending the session. */
  private closing = false;
  /** While a request of this app ends the session on the server (`signOutAfter`): what to say when the server closes the connection first. */
  private endingNotice: string | undefined;

  constructor(private readonly baseUrl: string = window.location.origin) {}

  readonly getState = (): SessionState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Resumes the stored session, if any: an expired access token is refreshed by the SDK on the first call. */
  async start(): Promise<void> {
    const tokens = loadTokens();
    if (tokens === null) return this.set({ status: 'signed-out' });
    const client = this.newClient(tokens);
    try {
      this.enter(client, await this.resume(client));
    } catch (error) {
      if (error instanceof ApiError && error.status === 0) {
        this.set({ status: 'unreachable', message: error.message });
        return;
      }
      saveTokens(null);
      this.set({ status: 'signed-out', notice: 'Your session has ended. Please sign in again.' });
    }
  }

  /**
   * The stored access token may be expired (the SDK refreshes that by itself) or refused for
   * another reason (a new server secret): either way the refresh token, if still good, rotates
   * into a new pair rather than signing the person out.
   */
  private async resume(client: ConfabClient): Promise<Me> {
    try {
      return await client.me();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      await client.refresh();
      return client.me();
    }
  }

  async signIn(body: LoginBody): Promise<void> {
    const client = this.newClient(null);
    const auth = await client.login(body);
    this.enter(client, auth.user);
  }

  /** Claims an account an import made (the token of its claim mail) with a first password, and signs in to it. */
  async claimAccount(token: string, password: string): Promise<void> {
    const client = this.newClient(null);
    const auth = await client.claimAccount(token, password);
    this.enter(client, auth.user);
  }

  async signUp(body: RegisterBody): Promise<void> {
    const client = this.newClient(null);
    const auth = await client.register(body);
    this.enter(client, auth.user);
  }

  /**
   * Signs out here (the server ends the session); signed out locally even when the server cannot be
   * reached. `notice` is said on the sign-in page.
   */
  async signOut(notice?: string): Promise<void> {
    const state = this.state;
    if (state.status !== 'signed-in') return;
    this.closeConnection(state.connection);
    // Messages still pending are not sent for a person who signed out on this device.
    forgetOutbox(state.me.id);
    forgetDrafts(state.me.id);
    await forgetPush(state.client).catch(() => undefined);
    // Unless the session already ended (sign out everywhere, account deleted): then there are no tokens left to sign out with.
    if (state.client.tokens) await state.client.logout().catch(() => undefined);
    this.leave(notice);
  }

  /**
   * Runs `request`, which ends this session on the server (signing out everywhere, deleting the
   * account, resetting the password), then signs out here with `notice`. The server may close the
   * realtime connection before the request answers; that close is the request's doing, so the
   * sign-in page says `notice` then too, not that the session ended by itself.
   */
  async signOutAfter(request: () => Promise<unknown>, notice: string): Promise<void> {
    this.endingNotice = notice;
    try {
      await request();
      await this.signOut(notice);
    } finally {
      this.endingNotice = undefined;
    }
  }

  /** The signed-in person changed their profile (or another device did). */
  updateMe(me: Me): void {
    if (this.state.status === 'signed-in') this.set({ ...this.state, me });
  }

  private enter(client: ConfabClient, me: Me): void {
    const connection = client.connect();
    connection.onStateChange((state) => {
      // The SDK closes a connection by itself only when the session cannot go on (ended
      // elsewhere, revoked, the refresh token refused): back to the sign-in page.
      if (state === 'closed' && this.state.status === 'signed-in' && this.state.connection === connection && !this.closing) {
        this.leave(this.endingNotice ?? 'Your session has ended. Please sign in again.');
      }
    });
    this.stopWatchingTabs?.();
    this.stopWatchingTabs = onTokensElsewhere((tokens) => {
      if (tokens === null) this.leave('You signed out in another tab.');
      // Another tab rotated the refresh token: adopt the new pair so this tab never spends the old one.
      else client.http.setTokens(tokens);
    });
    this.set({ status: 'signed-in', me, client, connection });
    void this.reportLanguage(client, me);
    // This browser as one of my encryption devices, once (kept in IndexedDB); offline now, asked again when needed.
    void browserDevice(client).catch(() => undefined);
  }

  /** Tells the server the browser's language when it changed (search stems short messages by it); a refusal changes nothing. */
  private async reportLanguage(client: ConfabClient, me: Me): Promise<void> {
    const locale = navigator.language;
    if (!locale || locale.toLowerCase() === me.locale?.toLowerCase()) return;
    const updated = await client.updateMe({ locale }).catch(() => undefined);
    if (updated && this.state.status === 'signed-in' && this.state.client === client) this.updateMe(updated);
  }

  private leave(notice?: string): void {
    if (this.state.status === 'signed-in') this.closeConnection(this.state.connection);
    this.stopWatchingTabs?.();
    this.stopWatchingTabs = undefined;
    saveTokens(null);
    // Ended elsewhere: the person's notifications must not keep arriving in this browser.
    void forgetPush().catch(() => undefined);
    this.set(notice === undefined ? { status: 'signed-out' } : { status: 'signed-out', notice });
  }

  private closeConnection(connection: RealtimeConnection): void {
    this.closing = true;
    try {
      connection.close();
    } finally {
      this.closing = false;
    }
  }

  private newClient(tokens: Tokens | null): ConfabClient {
    return new ConfabClient({ baseUrl: this.baseUrl, ...(tokens ? { tokens } : {}), onTokens: (next) => saveTokens(next) });
  }

  private set(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}
