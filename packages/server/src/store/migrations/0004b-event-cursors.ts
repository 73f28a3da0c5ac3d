import type { Kysely, Migration } from 'kysely';

type Log = Kysely<{
  stream_head: { id: number; epoch: string };
  events: { pos: number; payload: string };
}>;

/**
 * Every positioned event carries its `cursor` (`<epoch>.<pos>`), written into the stored event
 * when it is logged (issue 9). Events logged before that get theirs here, so every reader sends
 * the stored text as it is. Pages of 500, in position order.
 */
export const eventCursors: Migration = {
  async up(db: Kysely<unknown>) {
    const log = db as unknown as Log;
    const head = await log.selectFrom('stream_head').select('epoch').where('id', '=', 1).executeTakeFirst();
    if (!head) return;
    for (let after = 0; ;) {
      const rows = await log.selectFrom('events').select(['pos', 'payload']).where('pos', '>', after).orderBy('pos').limit(500).execute();
      if (rows.length === 0) return;
      for (const { pos, payload } of rows) {
        const event = JSON.parse(payload) as { cursor?: string };
        if (event.cursor !== undefined) continue;
        const cursor = `${head.epoch}.${Number(pos)}`;
        await log
          .updateTable('events')
          .set({ payload: JSON.stringify({ ...event, cursor }) })
          .where('pos', '=', pos)
          .execute();
      }
      after = Number(rows.at(-1)!.pos);
    }
  },
};
