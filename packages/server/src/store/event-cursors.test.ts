import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createTestSchema, postgresService, requireService, withPostgres } from '../../test/services.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import { Fixture } from './conformance/fixtures.js';
import type { Store } from './store.js';

const describePostgres = await requireService(postgresService);

/** Runs SQL on the engine's database behind the store's back (as an older version left it). */
type Raw = (statement: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * Every positioned event carries its cursor in the stored text. Events logged before that (an
 * upgraded database) get theirs from migration 0005, so readers never meet one without.
 */
function describeEventCursors(engine: string, open: () => Promise<{ store: Store; raw: Raw; dispose(): Promise<void> }>): void {
  describe(`event cursors: ${engine}`, () => {
    it('are written with each event, and given by the migration to events logged before', async () => {
      const { store, raw, dispose } = await open();
      try {
        const f = new Fixture();
        f.store = store;
        const [u1, u2] = [await f.user('u1'), await f.user('u2')];
        const { conversation } = await f.conversation('group', [u1.id, u2.id]);
        await f.append(['k1', 'k2', 'k3'].map((clientId) => f.msg(conversation.id, u1.id, clientId)));
        const { epoch } = await store.streamHead();
        const expectCursors = async () => {
          const events = await store.readConversationEvents(conversation.id, 0, 100);
          expect(events).toHaveLength(4);
          for (const { pos, event, frame } of events) {
            expect(event.cursor).toBe(`${epoch}.${pos}`);
            expect(JSON.parse(frame)).toEqual(event);
          }
        };
        await expectCursors();

        // As a version before cursors left the log: no cursor in the stored events, 0005 not run.
        for (const row of await raw('select pos, payload from events')) {
          const { cursor: _, ...older } = JSON.parse(String(row.payload)) as Record<string, unknown>;
          await raw('update events set payload = $1 where pos = $2', [JSON.stringify(older), row.pos]);
        }
        await raw(`delete from kysely_migration where name = '0005_event_cursors'`);
        expect((await store.readConversationEvents(conversation.id, 0, 100)).map((e) => e.event.cursor)).toEqual([
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

describeEventCursors('sqlite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-cursors-'));
  const file = path.join(dir, 'test.sqlite3');
  const store = openSqliteStore(file);
  await store.migrate();
  const connection = new SQLite(file);
  return {
    store,
    raw: async (statement, params = []) => {
      const prepared = connection.prepare(statement.replace(/\$\d+/g, '?'));
      return prepared.reader ? (prepared.all(...params) as Record<string, unknown>[]) : (prepared.run(...params), []);
    },
    dispose: async () => {
      connection.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describePostgres('PostgreSQL', () => {
  describeEventCursors('postgres', async () => {
    const schema = await createTestSchema();
    const store = openPostgresStore(schema.url, { poolSize: 2 });
    await store.migrate();
    return {
      store,
      raw: (statement, params = []) => withPostgres(schema.url, async (client) => (await client.query(statement, params)).rows),
      dispose: async () => {
        await store.close();
        await schema.drop();
      },
    };
  });
});
