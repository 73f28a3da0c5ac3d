import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Issue 38: search in every language. `users.locale` is the BCP 47 tag a user's client reports
 * (the web app: the browser's language), null when unknown.
 *
 * Search indexes prepared tokens (store/search-tokens.ts: segmented, stemmed, CJK
 * bigrams). Messages stored before are indexed again by a background job
 * (services/search/reindex-job.ts) whose mark is this one row: every message from `below` up is
 * done. An install with no messages has nothing to do. Each engine's own `0024_search_tokens`
 * (which runs after this one) changes its index.
 */
export const searchLanguages: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('locale', 'varchar(35)').execute();
    await db.schema
      .createTable('search_reindex')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('below', 'varchar(64)')
      .addColumn('finished_at', 'bigint')
      .execute();
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from messages where body <> ''`.execute(db);
    const finishedAt = Number(rows[0]!.n) === 0 ? Date.now() : null;
    await sql`insert into search_reindex (id, below, finished_at) values ('messages', null, ${finishedAt})`.execute(db);
  },
};
