import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerEvent } from '@confab/protocol';
import { conversationTopic } from '../bus/bus.js';
import { MemoryBus } from '../bus/memory-bus.js';
import { LocalPresenceTracker } from '../presence/presence-tracker.js';
import { Fixture } from '../store/conformance/fixtures.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
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

  const counted = (inner: Store): Store =>
    new Proxy(inner, {
      get(target, name, receiver) {
        const value: unknown = Reflect.get(target, name, receiver);
        if (typeof value !== 'function' || !['getUser', 'getUsers', 'listConversationIds'].includes(String(name))) return value;
        return (...args: unknown[]) => {
          reads.set(String(name), (reads.get(String(name)) ?? 0) + 1);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });

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
    expect((await store.getUser(a!.id))?.lastSeenAt).not.toBeNull();
  });
});
