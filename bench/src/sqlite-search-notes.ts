import type SQLite from 'better-sqlite3';

/**
 * Indexes for search the messages SQLite's triggers noted (`search_pending`, migration 0046), in
 * the caller's transaction: what the server's search indexer (`indexPending`,
 * packages/server/src/store/sqlite/search-notes.ts) does just after sends. A seeder that writes
 * rows with SQL calls it per chunk, so the server starts on an index built as sends build it (a
 * segment per batch), not on a backlog its indexer would work through while the bench measures.
 */
export function indexNotedMessages(db: SQLite.Database): void {
  db.exec(`
    insert into messages_search(rowid, tokens, scope)
      select m.rowid, m.search_tokens, hex(m.conversation_id)
      from search_pending p cross join messages m on m.rowid = p.message_rowid
      where m.search_tokens <> '';
    delete from search_pending;`);
}
