import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Finding what a deleted message's body was copied into without reading the conversation's log:
 * `events.message_id` names the message an event carries (message.created, .updated, .deleted),
 * and replies are found by `messages.reply_to_id` (their events quote an excerpt). Both indexes
 * are partial, so the many events and messages without one cost nothing to index.
 */
export const eventMessageIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('events').addColumn('message_id', 'varchar(64)').execute();
    await backfill(db);
    await db.schema.createIndex('events_message').on('events').column('message_id').where(sql.ref('message_id'), 'is not', null).execute();
    await db.schema
      .createIndex('messages_reply_to')
      .on('messages')
      .column('reply_to_id')
      .where(sql.ref('reply_to_id'), 'is not', null)
      .execute();
  },
};

const MESSAGE_EVENT = '{"type":"message.%';

/** Names the message of every event logged before this migration, a page of events at a time. */
async function backfill(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<{ events: { pos: number; payload: string; message_id: string | null } }>;
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('events')
      .select(['pos', 'payload'])
      .where('pos', '>', after)
      .where('payload', 'like', MESSAGE_EVENT)
      .orderBy('pos')
      .limit(1000)
      .execute();
    if (rows.length === 0) return;
    for (const row of rows) {
      const id = (JSON.parse(row.payload) as { message?: { id?: unknown } }).message?.id;
      if (typeof id === 'string') await db.updateTable('events').set({ message_id: id }).where('pos', '=', row.pos).execute();
    }
    after = Number(rows.at(-1)!.pos);
  }
}
