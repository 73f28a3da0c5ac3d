import { describe, expect, it } from 'vitest';
import { type RawStore, describeWithRawStore } from '../../test/raw-stores.js';
import { Fixture } from './conformance/fixtures.js';

/**
 * Every positioned event carries its cursor in the stored text. Events logged before that (an
 * upgraded database) get theirs from migration 0004b (once 0005), so readers never meet one without.
 */
function describeEventCursors(engine: string, open: () => Promise<RawStore>): void {
  describe(`event cursors: ${engine}`, () => {
    it('are written with each event, and given by the migration to events logged before', async () => {
      const { store, raw, dispose } = await open();
      try {
        const f = new Fixture();
        f.store = store;
        const [u1, u2] = [await f.user('u1'), await f.user('u2')];
        const { conversation } = await f.conversation('group', [u1.id, u2.id]);
        await f.append(['k1', 'k2', 'k3'].map((clientId) => f.msg(conversation.id, u1.id, clientId)));
        const { epoch } = await store.events.streamHead();
        const expectCursors = async () => {
          const events = await store.events.readConversationEvents(conversation.id, 0, 100);
          expect(events).toHaveLength(4);
          for (const { pos, event, frame } of events) {
            expect(event.cursor).toBe(`${epoch}.${pos}`);
            expect(JSON.parse(frame)).toEqual(event);
          }
        };
        await expectCursors();

        // As a version before cursors left the log: no cursor in the stored events, 0004b not run.
        for (const row of await raw('select pos, payload from events')) {
          const { cursor: _, ...older } = JSON.parse(String(row.payload)) as Record<string, unknown>;
          await raw('update events set payload = $1 where pos = $2', [JSON.stringify(older), row.pos]);
        }
        await raw(`delete from kysely_migration where name = '0004b_event_cursors'`);
        expect((await store.events.readConversationEvents(conversation.id, 0, 100)).map((e) => e.event.cursor)).toEqual([
          undefined,
          undefined,
          undefined,
          undefined,
        ]);

        await store.migrate();
        await expectCursors();
      } finally {
        await dispose();
      }
    });
  });
}

describeWithRawStore(describeEventCursors);
