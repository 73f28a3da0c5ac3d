import type { ConfabClient } from '@confab/client';
import type { User } from '@confab/protocol';
import { ExternalStore } from './external-store.js';

/**
 * Everyone the app has to name: each user read once (`GET /users/:id`) when first shown, and
 * kept. Components ask with `usePerson(id)`; the profile arrives as a new snapshot.
 */
export class PeopleStore extends ExternalStore<ReadonlyMap<string, User>> {
  private readonly requested = new Set<string>();

  constructor(private readonly client: ConfabClient) {
    super(new Map());
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
    this.client.getUser(userId).then(
      (user) => this.remember([user]),
      () => this.requested.delete(userId), // asked again the next time it is shown
    );
  }
}
