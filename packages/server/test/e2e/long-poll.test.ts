import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventOf, PositionedEvent, SyncResponse } from '@confab/protocol';
import { RawSocket, type TestServer, type TestUser, api, startServer, until } from '../harness.js';
import { createGroup, expectError, freshUsers } from '../factories.js';

const CURSOR = /^[0-9a-f]{1,32}\.\d+$/;

async function sync(url: string, user: TestUser, query = ''): Promise<{ status: number; body: SyncResponse }> {
  return api(url, 'GET', `/api/v1/sync${query}`, { token: user.token });
}

async function cursorOf(url: string, user: TestUser): Promise<string> {
  return (await sync(url, user)).body.cursor;
}

const posOf = (cursor: string) => Number(cursor.split('.')[1]);

describe('long-poll sync', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('without `since` answers at once with the current cursor and no events', async () => {
    const [alice] = await freshUsers(t.url, 1);
    const startedAt = Date.now();
    const answer = await sync(t.url, alice, '?timeout=20');
    expect(Date.now() - startedAt).toBeLessThan(3000);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ events: [], cursor: expect.stringMatching(CURSOR), reset: null });
    expect((await alice.client.events.sync()).cursor).toMatch(CURSOR);
  });

  it('answers as soon as another user sends, well before the timeout', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const since = await cursorOf(t.url, bob);

    // The poll reads the log, subscribes, and reads it once more (for an event committed while it
    // subscribed): once that second read has come back empty, it is waiting.
    const reads = vi.spyOn(t.server.services.events.sync, 'read');
    let answered = false;
    const polling = sync(t.url, bob, `?since=${encodeURIComponent(since)}&timeout=20`).finally(() => (answered = true));
    try {
      await until(() => reads.mock.calls.filter(([userId]) => userId === bob.id).length >= 2, 'the poll to subscribe and look again');
      await Promise.all(reads.mock.results.map((result) => result.value as Promise<unknown>));
    } finally {
      reads.mockRestore();
    }
    expect(answered, 'the poll is still waiting').toBe(false);
    const sentAt = Date.now();
    const message = await alice.client.sendMessage(dm.id, 'wake up');
    const answer = await polling;
    expect(Date.now() - sentAt).toBeLessThan(3000);

    expect(answer.status).toBe(200);
    expect(answer.body.reset).toBeNull();
    expect(answer.body.events).toEqual([
      { type: 'message.created', pos: expect.any(Number), prev: expect.any(Number), cursor: expect.any(String), message },
    ]);
    const event = answer.body.events[0]!;
    expect(answer.body.cursor).toBe(`${since.split('.')[0]}.${event.pos}`);
    expect(event.cursor).toBe(answer.body.cursor);
    expect(event.pos).toBeGreaterThan(posOf(since));
  });

  it('answers at once, whenever the send lands relative to the poll starting', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    for (let i = 0; i < 10; i++) {
      const since = await cursorOf(t.url, bob);
      // The send races the poll's own setup (read the log, subscribe): no wake-up may be lost.
      const startedAt = Date.now();
      const [answer] = await Promise.all([
        sync(t.url, bob, `?since=${encodeURIComponent(since)}&timeout=20`),
        new Promise((r) => setTimeout(r, i)).then(() => alice.client.sendMessage(dm.id, `race ${i}`)),
      ]);
      expect(Date.now() - startedAt).toBeLessThan(3000);
      expect(answer.body.events.map((e) => e.type === 'message.created' && e.message.body)).toEqual([`race ${i}`]);
    }
  });

  it('does not miss an event committed while the poll subscribes (it would wait for its next round)', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const since = await cursorOf(t.url, bob);
    // The poll has read the log (empty) and is subscribing: the message commits just before it
    // listens to the conversation's topic, so only a look at the log after subscribing finds it.
    const store = t.server.services.store;
    const listConversationIds = store.conversations.listConversationIds.bind(store.conversations);
    let sent: Promise<unknown> | undefined;
    const spy = vi.spyOn(store.conversations, 'listConversationIds').mockImplementation(async (userIds) => {
      if (userIds.includes(bob.id) && sent === undefined) {
        sent = alice.client.sendMessage(dm.id, 'while subscribing');
        await sent;
      }
      return listConversationIds(userIds);
    });
    try {
      const startedAt = Date.now();
      const answer = await sync(t.url, bob, `?since=${encodeURIComponent(since)}&timeout=20`);
      expect(sent).toBeDefined();
      expect(Date.now() - startedAt).toBeLessThan(3000);
      expect(answer.body.events.map((e) => e.type === 'message.created' && e.message.body)).toEqual(['while subscribing']);
    } finally {
      spy.mockRestore();
    }
  });

  it('answers with no events and the same cursor once the timeout passes', async () => {
    const [alice] = await freshUsers(t.url, 1);
    const since = await cursorOf(t.url, alice);
    const startedAt = Date.now();
    const answer = await sync(t.url, alice, `?since=${encodeURIComponent(since)}&timeout=1`);
    const took = Date.now() - startedAt;
    expect(answer.body).toEqual({ events: [], cursor: since, reset: null });
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(10_000);

    const immediate = await sync(t.url, alice, `?since=${encodeURIComponent(since)}&timeout=0`);
    expect(immediate.body).toEqual({ events: [], cursor: since, reset: null });
  });

  it('gives events the very shape the WebSocket gives them', async () => {
    const [alice, bob, carol] = await freshUsers(t.url, 3);
    const group = await createGroup(alice, [bob, carol]);
    const since = await cursorOf(t.url, bob);
    const socket = await RawSocket.ready(t.url, bob.token);

    await alice.client.sendMessage(group.id, 'same shape, please');
    await alice.client.renameConversation(group.id, 'renamed');
    await carol.client.markRead(group.id, 1);
    await socket.next((f) => f.type === 'read.updated');

    const live = socket.frames.filter((f) => 'pos' in f) as PositionedEvent[];
    // The rename is recorded in the history too: a system message, logged with it.
    expect(live.map((e) => e.type)).toEqual(['message.created', 'conversation.updated', 'message.created', 'read.updated']);
    expect((live[2] as EventOf<'message.created'>).message).toMatchObject({
      kind: 'system',
      system: { action: 'title_changed', actorId: alice.id, title: 'renamed' },
    });
    const polled = await sync(t.url, bob, `?since=${encodeURIComponent(since)}&timeout=0`);
    expect(polled.body.events).toEqual(live);
    const created = polled.body.events[0] as EventOf<'message.created'>;
    expect(created).toEqual(live[0]);
    expect(Object.keys(created).sort()).toEqual(Object.keys(live[0]!).sort());
    expect(Object.keys(created.message).sort()).toEqual(Object.keys((live[0] as EventOf<'message.created'>).message).sort());
    socket.close();
  });

  it('pages through 30 events by cursor, in order, without a duplicate or a gap', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const since = await cursorOf(t.url, bob);
    for (let i = 0; i < 30; i++) await alice.client.sendMessage(dm.id, `page ${i}`);

    const seen: PositionedEvent[] = [];
    let cursor = since;
    const pages: number[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const page = await sync(t.url, bob, `?since=${encodeURIComponent(cursor)}&limit=10&timeout=0`);
      expect(page.status).toBe(200);
      expect(page.body.reset).toBeNull();
      if (page.body.events.length === 0) {
        expect(page.body.cursor).toBe(cursor);
        break;
      }
      pages.push(page.body.events.length);
      seen.push(...page.body.events);
      expect(page.body.cursor).toBe(`${cursor.split('.')[0]}.${page.body.events.at(-1)!.pos}`);
      cursor = page.body.cursor;
    }
    expect(pages).toEqual([10, 10, 10]);
    expect(seen.map((e) => e.type === 'message.created' && e.message.body)).toEqual(Array.from({ length: 30 }, (_, i) => `page ${i}`));
    const positions = seen.map((e) => e.pos);
    expect(new Set(positions).size).toBe(30);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // Each event names the one before it in the conversation.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.prev).toBe(seen[i - 1]!.pos);
  });

  it('refuses an unauthenticated request (401) and unknown or invalid query fields (400)', async () => {
    const [alice] = await freshUsers(t.url, 1);
    expectError(await api(t.url, 'GET', '/api/v1/sync'), 401, 'unauthenticated');
    expectError(await api(t.url, 'GET', '/api/v1/sync?timeout=0', { token: 'not-a-token' }), 401, 'unauthenticated');
    expectError(await sync(t.url, alice, '?bogus=1'), 400, 'validation_failed');
    expectError(await sync(t.url, alice, '?timeout=0&after=3'), 400, 'validation_failed');
    expectError(await sync(t.url, alice, '?timeout=121'), 400, 'validation_failed');
    expectError(await sync(t.url, alice, '?timeout=-1'), 400, 'validation_failed');
    expectError(await sync(t.url, alice, '?limit=0'), 400, 'validation_failed');
    expectError(await sync(t.url, alice, '?limit=1001'), 400, 'validation_failed');
  });
});

describe('long-poll past the request and connection timeouts', () => {
  let t: TestServer;
  beforeAll(async () => {
    // Both a second: a poll asking for three must outlive them (the docs promise up to 120 s
    // whatever the timeouts; production defaults are 30 s and 75 s).
    t = await startServer({ REQUEST_TIMEOUT_MS: '1000', CONNECTION_TIMEOUT_MS: '1000' });
  });
  afterAll(() => t.close());

  it('waits as long as `timeout` asks, and is still woken by an event after the timeouts have passed', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const dm = await alice.client.openDirect(bob.id);
    const since = await cursorOf(t.url, bob);

    const startedAt = Date.now();
    const quiet = await sync(t.url, bob, `?since=${encodeURIComponent(since)}&timeout=3`);
    expect(quiet.status).toBe(200);
    expect(quiet.body).toEqual({ events: [], cursor: since, reset: null });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2900);

    const polling = sync(t.url, bob, `?since=${encodeURIComponent(since)}&timeout=5`);
    await new Promise((r) => setTimeout(r, 1800)); // past both timeouts before anything happens
    const message = await alice.client.sendMessage(dm.id, 'after the timeouts');
    const answer = await polling;
    expect(answer.status).toBe(200);
    expect(answer.body.events).toEqual([expect.objectContaining({ type: 'message.created', message })]);
  });
});
