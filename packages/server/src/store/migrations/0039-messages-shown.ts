import type { Kysely, Migration } from 'kysely';

/**
 * Issue 39: whether a message is one people read (`shown` 1: every plain message and MLS
 * application message) or one a device only applies (0: an MLS commit or welcome). Unread counts
 * and the conversation list's last message take only shown ones; a column set at append, so those
 * queries need no JSON function (which each engine spells its own way). The backfill reads the
 * envelope of the few `encrypted` rows in code, the same on every engine.
 */
export const messagesShown: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('messages')
      .addColumn('shown', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    const messages = db as unknown as Kysely<{ messages: { id: string; kind: string; content: string | null; shown: number } }>;
    const rows = await messages.selectFrom('messages').select(['id', 'content']).where('kind', '=', 'encrypted').execute();
    const unshown = rows
      .filter((r) => {
        const type = r.content ? (JSON.parse(r.content) as { mls?: { type?: string } }).mls?.type : undefined;
        return type === 'commit' || type === 'welcome';
      })
      .map((r) => r.id);
    for (let i = 0; i < unshown.length; i += 500) {
      await messages
        .updateTable('messages')
        .set({ shown: 0 })
        .where('id', 'in', unshown.slice(i, i + 500))
        .execute();
    }
  },
};
