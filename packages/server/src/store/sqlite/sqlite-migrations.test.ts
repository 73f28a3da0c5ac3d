import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Fixture } from '../conformance/fixtures.js';
import { openSqliteStore } from './sqlite-store.js';

describe('SQLite migration 0047_events_pos_rowid', () => {
  it('makes an event’s position the table’s rowid, keeping every event and every index as they were', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'confab-events-rowid-'));
    const file = path.join(dir, 'test.sqlite3');
    const store = openSqliteStore(file);
    const raw = new SQLite(file);
    try {
      await store.migrate();
      const f = new Fixture();
      f.store = store;
      const [a, b] = [await f.user('amy'), await f.user('bo')];
      const group = (await f.conversation('group', [a.id, b.id])).conversation;
      await f.append([f.msg(group.id, a.id, 'm1'), f.msg(group.id, b.id, 'm2')]);
      await f.removeMember(group.id, b.id, a.id);

      // As the shared migrations left the table before 0047: `pos bigint primary key`, a key of its own.
      const indexes = () =>
        raw.prepare(`select name, sql from sqlite_master where type = 'index' and tbl_name = 'events' order by name`).all();
      const after = indexes();
      raw.exec(`
        create table events_before (pos bigint primary key, conversation_id varchar(64) not null, subject_user_id varchar(64),
          created_at bigint not null, payload text not null, message_id varchar(64));
        insert into events_before select pos, conversation_id, subject_user_id, created_at, payload, message_id from events;
        drop table events;
        alter table events_before rename to events;`);
      for (const { sql } of after as { sql: string | null }[]) if (sql !== null) raw.exec(sql);
      raw.prepare(`delete from kysely_migration where name = '0047_events_pos_rowid'`).run();
      const rows = raw.prepare('select * from events order by pos').all();
      expect(rows.length).toBeGreaterThanOrEqual(4);
      expect(indexes()).toContainEqual({ name: 'sqlite_autoindex_events_1', sql: null });

      await store.migrate();
      expect(raw.prepare('select * from events order by pos').all()).toEqual(rows);
      // Only a column typed exactly INTEGER PRIMARY KEY is the rowid: no index of its own any more.
      expect(raw.prepare(`select type, pk from pragma_table_info('events') where name = 'pos'`).get()).toEqual({ type: 'INTEGER', pk: 1 });
      expect(indexes()).toEqual(after);
      expect(after.map((i) => (i as { name: string }).name)).toEqual(['events_conversation_pos', 'events_message', 'events_subject_pos']);
      const plan = (query: string) =>
        (raw.prepare(`explain query plan ${query}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
      expect(plan('select * from events where pos > 1 order by pos limit 10')).toContain('USING INTEGER PRIMARY KEY');
      expect(plan(`select * from events where conversation_id = 'c' and pos > 1 order by pos`)).toContain('events_conversation_pos');
      expect(plan(`select * from events where subject_user_id = 'u' and pos > 1 order by pos`)).toContain('events_subject_pos');

      // The log goes on from where it was.
      await f.append([f.msg(group.id, a.id, 'm3')]);
      const last = raw.prepare('select pos, message_id from events order by pos desc limit 1').get() as { pos: number; message_id: string };
      expect(last.pos).toBe((rows.at(-1) as { pos: number }).pos + 1);
      expect(raw.prepare(`pragma integrity_check`).get()).toEqual({ integrity_check: 'ok' });
    } finally {
      raw.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
