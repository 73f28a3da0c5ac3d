import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';

// Migration 0018: the indexes of mostly-null columns leave the null rows out; the queries that
// read them must still be served by them, not by a scan of every message or event.
describe('SQLite: migration 0018_partial_indexes', () => {
  let dir: string;
  let db: Database.Database;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'confab-partial-'));
    const store = openSqliteStore(path.join(dir, 'test.sqlite3'));
    await store.migrate();
    await store.close();
    db = new Database(path.join(dir, 'test.sqlite3'), { readonly: true });
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = (query: string, ...params: unknown[]) =>
    (db.prepare(`explain query plan ${query}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');

  it.each([
    ['messages_pinned', 'pinned_at'],
    ['messages_thread', 'thread_root_id'],
    ['events_subject_pos', 'subject_user_id'],
  ])('%s leaves out the rows whose %s is null', (name, column) => {
    const { sql } = db.prepare("select sql from sqlite_master where type = 'index' and name = ?").get(name) as { sql: string };
    expect(sql).toMatch(new RegExp(`where "${column}" is not null$`));
  });

  it('still serves the pins, thread and subject reads', () => {
    expect(
      plan('select * from messages where conversation_id = ? and pinned_at is not null order by pinned_at desc, seq desc limit 20', 'c'),
    ).toContain('USING INDEX messages_pinned');
    expect(plan('select * from messages where thread_root_id = ? and seq > ? order by seq limit 20', 'r', 0)).toContain(
      'USING INDEX messages_thread',
    );
    expect(plan('select distinct sender_id from messages where thread_root_id = ? order by sender_id', 'r')).toContain(
      'USING INDEX messages_thread',
    );
    expect(plan('select * from events where subject_user_id = ? and pos > ? order by pos limit 500', 'u', 0)).toContain(
      'USING INDEX events_subject_pos',
    );
  });

  // Thread read state (issue 35 item 2): unreadThreads reads my thread rows and each thread's replies by index.
  it("serves a conversation's unreadThreads from my thread rows and the thread index", () => {
    const unreadThreads = plan(
      `select count(*) from thread_reads t where t.user_id = ? and t.conversation_id = ? and t.following = 1
       and exists (select 1 from messages r where r.thread_root_id = t.root_id and r.seq > t.read_seq and r.sender_id <> ?)`,
      'u',
      'c',
      'u',
    );
    expect(unreadThreads).toContain('USING INDEX thread_reads_user');
    expect(unreadThreads).toContain('USING INDEX messages_thread');
    expect(
      plan(
        `select * from messages m where m.conversation_id = ? and m.last_reply_at is not null
         order by m.last_reply_at desc, m.id desc limit 16`,
        'c',
      ),
    ).toContain('USING INDEX messages_thread_roots');
  });
});
