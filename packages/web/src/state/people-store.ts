import type { ConfabClient, RealtimeConnection } from '@confab/client';
import type { User } from '@confab/protocol';
import { ExternalStore } from './external-store.js';

/**
 * Everyone the app has to name: each user read once (`GET /users/:id`) when first shown, then
 * kept current by `user.updated` (a new name, bio, time zone or picture re-renders every place
 * that shows them). Those are live signals only, so everyone known is read again after a
 * reconnect. Components ask with `usePerson(id)`; the profile arrives as a new snapshot.
 */
export class PeopleStore extends ExternalStore<ReadonlyMap<string, User>> {
  private readonly requested = new Set<string>();
  private readonly stops: (() => void)[] = [];
  private wasOpen = false;

  constructor(
    private readonly client: ConfabClient,
    private readonly connection?: RealtimeConnection,
  ) {
    super(new Map());
  }

  start(): void {
    if (!this.connection) return;
    this.stops.push(
      this.connection.on('user.updated', ({ user }) => this.remember([user])),
      this.connection.onStateChange((state) => {
        // The first open follows the reads already made; a later one may have missed changes.
        if (state === 'open' && this.wasOpen) for (const userId of this.getSnapshot().keys()) this.read(userId);
        if (state === 'open') this.wasOpen = true;
      }),
    );
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** Records users the app already has (a search result, my own profile). */
  remember(users: User[]): void {
    const next = new Map(this.getSnapshot());
    for (const user of users) next.set(user.id, user);
    this.set(next);
  }

  /** Starts reading a user not known yet; the answer lands in the snapshot. */
  request(userId: string): void {
    if (this.requested.has(userId) || this.getSnapshot().has(userId)) return;
    this.requested.add(userId);
    this.read(userId);
  }

  /**
   * A user as soon as they are known: at once if they are, else after their read lands, or
   * `undefined` if it fails or takes longer than `waitMs` (the caller then names no one).
   */
  known(userId: string, waitMs = 3000): Promise<User | undefined> {
    const now = this.getSnapshot().get(userId);
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = (user: User | undefined) => {
        clearTimeout(timer);
        stop();
        resolve(user);
      };
      const stop = this.subscribe(() => {
        const user = this.getSnapshot().get(userId);
        if (user) done(user);
      });
      const timer = setTimeout(() => done(undefined), waitMs);
      this.request(userId);
    });
  }

  private read(userId: string): void {
    this.client.getUser(userId).then(
      (user) => this.remember([user]),
      () => this.requested.delete(userId), // asked again the next time it is shown
    );
  }
}
