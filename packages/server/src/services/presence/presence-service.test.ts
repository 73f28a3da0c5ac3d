import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerEvent } from '@confab/protocol';
import { conversationTopic } from '../../bus/bus.js';
import { MemoryBus } from '../../bus/memory-bus.js';
import { LocalPresenceTracker } from '../../presence/presence-tracker.js';
import { Fixture } from '../../store/conformance/fixtures.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { PresenceService } from './presence-service.js';

/** The announcements of users coming and going, over a real SQLite store and bus. */
describe('PresenceService announcements', () => {
  const f = new Fixture();
  let dir: string;
  let store: Store;
  let bus: MemoryBus;
  /** The store's reads behind an announcement, counted per method. */
  const reads = new Map<string, number>();

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'confab-presence-'));
    store = openSqliteStore(path.join(dir, 'test.sqlite3'));
    await store.migrate();
    f.store = store;
    bus = new MemoryBus();
    reads.clear();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const counted = (inner: Store): Store => {
    const count = <T extends object>(section: T): T =>
      new Proxy(section, {
        get(target, name, receiver) {
          const value: unknown = Reflect.get(target, name, receiver);
          if (typeof value !== 'function' || !['getUser', 'getUsers', 'listConversationIds'].includes(String(name))) return value;
          return (...args: unknown[]) => {
            reads.set(String(name), (reads.get(String(name)) ?? 0) + 1);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    const users = count(inner.users);
    const conversations = count(inner.conversations);
    return new Proxy(inner, {
      get(target, name, receiver) {
        if (name === 'users') return users;
        if (name === 'conversations') return conversations;
        return Reflect.get(target, name, receiver);
      },
    });
  };

  async function heardOn(conversationIds: string[]): Promise<{ conversationId: string; userId: string; online: boolean }[]> {
    const heard: { conversationId: string; userId: string; online: boolean }[] = [];
    for (const conversationId of conversationIds) {
      await bus.subscribe<ServerEvent>(conversationTopic(conversationId), ({ event }) => {
        if (event.type === 'presence') heard.push({ conversationId, userId: event.userId, online: event.online });
      });
    }
    return heard;
  }

  it('tells each user’s conversations, reading users and conversations once for the users who connect together', async () => {
    const [a, b, c, d, loner] = await Promise.all(['ann', 'bob', 'cat', 'dan', 'eve'].map((name) => f.user(name)));
    const { conversation: first } = await f.conversation('group', [a!.id, b!.id, c!.id]);
    const { conversation: second } = await f.conversation('group', [c!.id, d!.id]);
    const heard = await heardOn([first.id, second.id]);
    const presence = new PresenceService(counted(store), bus, new LocalPresenceTracker(), (error) => expect.fail(String(error)));

    await Promise.all([a, b, c, d, loner].map((user, i) => presence.connected(user!.id, `socket-${i}`)));

    expect(heard.filter((h) => h.conversationId === first.id).map((h) => h.userId)).toEqual(expect.arrayContaining([a!.id, b!.id, c!.id]));
    expect(heard.filter((h) => h.conversationId === second.id).map((h) => h.userId)).toEqual(expect.arrayContaining([c!.id, d!.id]));
    expect(heard).toHaveLength(5);
    expect(heard.every((h) => h.online)).toBe(true);
    expect(Object.fromEntries(reads)).toEqual({ getUsers: 1, listConversationIds: 1 });
  });

  it('announces a departure, and a user’s second socket is no news', async () => {
    const [a, b] = await Promise.all(['ann', 'bob'].map((name) => f.user(name)));
    const { conversation } = await f.conversation('group', [a!.id, b!.id]);
    const heard = await heardOn([conversation.id]);
    const presence = new PresenceService(store, bus, new LocalPresenceTracker(), (error) => expect.fail(String(error)));

    await presence.connected(a!.id, 'one');
    await presence.connected(a!.id, 'two');
    await presence.disconnected(a!.id, 'one');
    expect(heard).toEqual([{ conversationId: conversation.id, userId: a!.id, online: true }]);
    await presence.disconnected(a!.id, 'two');
    expect(heard).toEqual([
      { conversationId: conversation.id, userId: a!.id, online: true },
      { conversationId: conversation.id, userId: a!.id, online: false },
    ]);
    expect((await store.users.getUser(a!.id))?.lastSeenAt).not.toBeNull();
  });

  it('records and announces a mass departure in slices: a statement per slice, lastSeenAt stored before the tracker lets go', async () => {
    const users = await Promise.all(Array.from({ length: 450 }, (_, i) => f.user(`leaver${i}`)));
    const { conversation } = await f.conversation(
      'group',
      users.map((u) => u.id),
    );
    const heard = await heardOn([conversation.id]);
    const writes: number[] = [];
    const recordedUsers = new Proxy(store.users, {
      get(target, name, receiver) {
        if (name !== 'setLastSeen') return Reflect.get(target, name, receiver);
        return (entries: Parameters<Store['users']['setLastSeen']>[0]) => {
          writes.push(entries.length);
          return target.setLastSeen(entries);
        };
      },
    });
    const recorded: Store = new Proxy(store, {
      get(target, name, receiver) {
        return name === 'users' ? recordedUsers : Reflect.get(target, name, receiver);
      },
    });
    // The tracker lets a user go only once their lastSeenAt is in the store.
    const storedWhenLetGo: boolean[] = [];
    const tracker = new LocalPresenceTracker();
    const disconnect = tracker.disconnect.bind(tracker);
    tracker.disconnect = async (userId, connectionId) => {
      storedWhenLetGo.push((await store.users.getUser(userId))?.lastSeenAt != null);
      return disconnect(userId, connectionId);
    };
    const presence = new PresenceService(recorded, bus, tracker, (error) => expect.fail(String(error)), 20);
    await Promise.all(users.map((u) => presence.connected(u.id, `socket-${u.id}`)));
    heard.length = 0;

    // The event loop turns while they are recorded: a live socket's frames are not held behind them.
    let turns = 0;
    let leaving = true;
    const turn = (): void => {
      turns += 1;
      if (leaving) setImmediate(turn);
    };
    setImmediate(turn);
    await Promise.all(users.map((u) => presence.disconnected(u.id, `socket-${u.id}`)));
    await vi.waitFor(() => expect(heard).toHaveLength(users.length), { timeout: 5000, interval: 5 });
    leaving = false;

    expect(heard.every((h) => !h.online)).toBe(true);
    expect(new Set(heard.map((h) => h.userId)).size).toBe(users.length);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(users.length);
    expect(writes.length).toBeLessThanOrEqual(10); // not one each
    expect(Math.max(...writes)).toBeLessThanOrEqual(200); // a slice at a time
    expect(storedWhenLetGo).toHaveLength(users.length);
    expect(storedWhenLetGo.every(Boolean)).toBe(true);
    expect(turns).toBeGreaterThan(2);
    for (const u of await store.users.getUsers(users.map((x) => x.id))) expect(u.lastSeenAt).not.toBeNull();
  });
});
