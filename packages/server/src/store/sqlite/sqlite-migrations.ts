import { type Migration, sql } from 'kysely';
import { searchAfterCommit, searchMergesSliced, searchTokensLater } from './search-notes.js';
import { sqliteSearchMigrations } from './sqlite-search.js';

/**
 * Issue 41: `events.pos` as the table's rowid. The shared migration declared it `bigint primary
 * key`, which SQLite keeps as a second B-tree beside the table's own rowid one (only a column typed
 * exactly `integer primary key` is the rowid), so every event written a key twice and dirtied one
 * more page per commit, and a read by position went through that index to the row. Measured with
 * `bench/cpu-per-send.mjs` (2026-11-27): 3–10 % of a send's server CPU. The table is rebuilt with
 * `pos integer primary key`, its rows and its indexes as they were (read back from the schema, so
 * whatever earlier migrations made them). No other table refers to `events`.
 */
const eventsPosRowid: Migration = {
  async up(db) {
    const { rows: indexes } = await sql<{ ddl: string }>`
      select sql as ddl from sqlite_master where type = 'index' and tbl_name = 'events' and sql is not null order by name`.execute(db);
    await sql`create table events_by_pos (
      pos integer primary key,
      conversation_id varchar(64) not null,
      subject_user_id varchar(64),
      created_at bigint not null,
      payload text not null,
      message_id varchar(64))`.execute(db);
    await sql`insert into events_by_pos (pos, conversation_id, subject_user_id, created_at, payload, message_id)
      select pos, conversation_id, subject_user_id, created_at, payload, message_id from events order by pos`.execute(db);
    await sql`drop table events`.execute(db);
    await sql`alter table events_by_pos rename to events`.execute(db);
    for (const { ddl } of indexes) await sql.raw(ddl).execute(db);
  },
};

/** Migrations only SQLite runs, merged by name into the shared list (store/migrate.ts). */
export const sqliteMigrations: Record<string, Migration> = {
  ...sqliteSearchMigrations,
  '0046_search_after_commit': searchAfterCommit,
  '0047_events_pos_rowid': eventsPosRowid,
  '0049_search_tokens_later': searchTokensLater,
  '0050_search_merges_sliced': searchMergesSliced,
};
