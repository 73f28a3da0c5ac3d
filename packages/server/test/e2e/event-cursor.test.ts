import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PositionedEvent } from '@confab/protocol';
import { createGroup, freshUsers } from '../factories.js';
import { RawSocket, type TestServer, api, barrier, startServer } from '../harness.js';
import { type TestSchema, createTestSchema, postgresService, requireService } from '../services.js';

const describePostgres = await requireService(postgresService);

/**
 * Every positioned event carries its `cursor` (`<epoch>.<pos>`), whichever way it reaches the
 * client: live on the socket, replayed on resume, in a long-poll answer and in a gap-fill page.
 * A raw client stores it as it is, and resumes from it.
 */
function describeCursors(engine: string, start: () => Promise<{ t: TestServer; dispose(): Promise<void> }>): void {
  describe(`every positioned event carries its cursor (${engine})`, () => {
    let t: TestServer;
    let dispose: () => Promise<void>;
    beforeAll(async () => ({ t, dispose } = await start()));
    afterAll(() => dispose());

    it('live, replayed, long-polled and gap-filled, and a client resumes from it', async () => {
      const [alice, bob, carol] = await freshUsers(t.url, 3);
      const group = await createGroup(alice, [bob, carol]);
      const live = await RawSocket.ready(t.url, bob.token);
      const ready = live.frames.find((f) => f.type === 'ready')!;
      const epoch = ready.type === 'ready' ? ready.cursor.split('.')[0] : '';

      await alice.client.sendMessage(group.id, 'one');
      await alice.client.renameConversation(group.id, 'renamed');
      await carol.client.markRead(group.id, 1);
      await alice.client.sendMessage(group.id, 'two');
      await live.next((f) => f.type === 'message.created' && f.message.body === 'two');
      await barrier(live);
      live.close();

      const positioned = (frames: unknown[]) =>
        frames.filter((f): f is PositionedEvent => typeof f === 'object' && f !== null && 'pos' in f);
      const liveEvents = positioned(live.frames);
      // The rename is also recorded in the history, as a system message.
      expect(liveEvents.map((e) => e.type)).toEqual([
        'message.created',
        'conversation.updated',
        'message.created',
        'read.updated',
        'message.created',
      ]);
      for (const event of liveEvents) expect(event.cursor).toBe(`${epoch}.${event.pos}`);

      // Resume from the first event's own cursor: the replay is everything after it, cursors included.
      const resumed = await RawSocket.open(t.url, bob.token, { query: { since: liveEvents[0]!.cursor } });
      await resumed.next((f) => f.type === 'ready');
      expect(positioned(resumed.frames)).toEqual(liveEvents.slice(1));
      resumed.close();

      const polled = await api(t.url, 'GET', `/api/v1/sync?since=${encodeURIComponent(liveEvents[0]!.cursor)}&timeout=0`, {
        token: bob.token,
      });
      expect(polled.status).toBe(200);
      expect(polled.body.events).toEqual(liveEvents.slice(1));

      const page = await api(t.url, 'GET', `/api/v1/conversations/${group.id}/events?after=${liveEvents[0]!.prev}`, { token: bob.token });
      expect(page.status).toBe(200);
      expect(page.body.events).toEqual(liveEvents);
    });
  });
}

describeCursors('SQLite', async () => {
  const t = await startServer();
  return { t, dispose: () => t.close() };
});

describePostgres('PostgreSQL', () => {
  let schema: TestSchema;
  describeCursors('PostgreSQL', async () => {
    schema = await createTestSchema();
    const t = await startServer({
      DATABASE_URL: schema.url,
      DATABASE_POOL_SIZE: '4',
      JWT_SECRET: 'a cursor test secret of at least 32 characters',
    });
    return {
      t,
      dispose: async () => {
        await t.close();
        await schema.drop();
      },
    };
  });
});
