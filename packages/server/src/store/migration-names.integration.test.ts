import { describe, expect, it } from 'vitest';
import { type RawStore, describeWithRawStore } from '../../test/raw-stores.js';
import { Fixture } from './conformance/fixtures.js';
import { renamedMigrations } from './migrations.js';

/**
 * The event cursors' migration was recorded as '0005_event_cursors' before it became
 * '0004b_event_cursors' (migrations.ts, renamedMigrations). A database an earlier version
 * migrated keeps its bookkeeping under the old name: it migrates cleanly, its row renamed, and the
 * migration does not run again.
 */
function describeMigrationNames(engine: string, open: () => Promise<RawStore>): void {
  describe(`renamed migrations: ${engine}`, () => {
    it('renames the old record of a renamed migration instead of running it again', async () => {
      const { store, raw, dispose } = await open();
      try {
        const f = new Fixture();
        f.store = store;
        const [u1, u2] = [await f.user('u1'), await f.user('u2')];
        const { conversation } = await f.conversation('group', [u1.id, u2.id]);
        await f.append([f.msg(conversation.id, u1.id, 'k1')]);

        // As an earlier version left it: the old name recorded. One event is left without its
        // cursor, which only the migration would add: it stays without, so the migration did not run.
        await raw(`update kysely_migration set name = '0005_event_cursors' where name = '0004b_event_cursors'`);
        const [first] = await raw('select pos, payload from events order by pos limit 1');
        const { cursor: _, ...older } = JSON.parse(String(first?.payload)) as Record<string, unknown>;
        await raw('update events set payload = $1 where pos = $2', [JSON.stringify(older), first?.pos]);
        const recorded = async () =>
          (await raw('select name, timestamp from kysely_migration order by name')).map((r) => ({
            name: String(r.name),
            timestamp: String(r.timestamp),
          }));
        const before = await recorded();
        expect(before.map((r) => r.name)).toContain('0005_event_cursors');
        expect(before.map((r) => r.name)).not.toContain('0004b_event_cursors');

        await store.migrate();
        const after = await recorded();
        const renamed = (name: string) => renamedMigrations[name] ?? name;
        expect(after).toEqual(
          before.map((r) => ({ ...r, name: renamed(r.name) })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        );
        const [again] = await raw('select payload from events where pos = $1', [first?.pos]);
        expect(JSON.parse(String(again?.payload))).toEqual(older);

        // And again: nothing left to rename or run.
        await store.migrate();
        expect(await recorded()).toEqual(after);
      } finally {
        await dispose();
      }
    });
  });
}

describeWithRawStore(describeMigrationNames);
