import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { Fixture, drafts } from '../conformance/fixtures.js';
import { searchTerms } from '../search-tokens.js';
import { openSqliteStore } from './sqlite-store.js';
import { sqliteSearchMigrations } from './sqlite-search.js';

describe('SQLite search index: migration 0012_search_scope', () => {
  it('indexes the messages stored before it, with their conversations, and keeps the index in step after', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'confab-search-scope-'));
    const file = path.join(dir, 'test.sqlite3');
    const store = openSqliteStore(file);
    const older = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
    try {
      await store.migrate();
      const f = new Fixture();
      f.store = store;
      const [a, b] = [await f.user('amy'), await f.user('bo')];
      const mine = (await f.conversation('group', [a.id, b.id])).conversation;
      const theirs = (await f.conversation('group', [b.id])).conversation;
      await f.append([f.msg(mine.id, a.id, 'k1', 'old meeting notes'), f.msg(theirs.id, b.id, 'k2', 'their meeting')]);

      // As a version before 0012 left the file: the index of 0008 (body alone), 0012 not run.
      for (const statement of [
        'drop trigger messages_fts_insert',
        'drop trigger messages_fts_delete',
        'drop trigger messages_fts_update',
        'drop table messages_fts',
        `delete from kysely_migration where name = '0012_search_scope'`,
      ])
        await sql.raw(statement).execute(older);
      await sqliteSearchMigrations['0008_search_sqlite']!.up(older);

      await store.migrate();
      const find = async (userId: string, q: string, conversationId?: string) =>
        (
          await store.search.searchMessages({ userId, terms: searchTerms(q), limit: 10, ...(conversationId ? { conversationId } : {}) })
        ).map((hit) => hit.message.body);
      expect(await find(a.id, 'meeting ')).toEqual(['old meeting notes']);
      expect(await find(b.id, 'meeting ')).toEqual(['their meeting', 'old meeting notes']);
      expect(await find(b.id, 'meet', theirs.id)).toEqual(['their meeting']);

      // Sends, edits and deletes after it move the new index.
      const [sent] = await f.append([f.msg(mine.id, b.id, 'k3', 'new meeting')]);
      expect(await find(a.id, 'meeting ')).toEqual(['new meeting', 'old meeting notes']);
      await f.update(sent!.message.id, () => ({ body: 'new agenda', editedAt: f.tick() }), drafts.messageUpdated);
      expect(await find(a.id, 'meeting ')).toEqual(['old meeting notes']);
      expect(await find(a.id, 'agenda ')).toEqual(['new agenda']);
    } finally {
      await older.destroy();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite search index: migration 0017_search_automerge', () => {
  it('has FTS5 merge a level from 16 segments on, all at once only past 64, and the index still answers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'confab-search-automerge-'));
    const file = path.join(dir, 'test.sqlite3');
    const store = openSqliteStore(file);
    const raw = new SQLite(file);
    try {
      await store.migrate();
      expect(raw.prepare(`select k, v from messages_fts_config where k in ('automerge', 'crisismerge') order by k`).all()).toEqual([
        { k: 'automerge', v: 16 },
        { k: 'crisismerge', v: 64 },
      ]);
      const f = new Fixture();
      f.store = store;
      const a = await f.user('amy');
      const group = (await f.conversation('group', [a.id])).conversation;
      // One commit each: 40 segments written, merged as they pile up.
      for (let i = 0; i < 40; i++) await f.append([f.msg(group.id, a.id, `k${i}`, `standup ${i}`)]);
      const hits = await store.search.searchMessages({ userId: a.id, terms: searchTerms('standup'), limit: 50 });
      expect(hits).toHaveLength(40);
      // FTS5's own check of the index against itself throws on any inconsistency.
      expect(() => raw.prepare(`insert into messages_fts(messages_fts) values ('integrity-check')`).run()).not.toThrow();
    } finally {
      raw.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
