import type { Kysely, Selectable } from 'kysely';
import type { EventDraft, PositionedEvent } from '@confab/protocol';
import type { Database } from './schema.js';
import type { StoredEvent } from './store.js';

/**
 * Writing to the event log inside a store transaction. Positions come from the single
 * `stream_head` row: `lockHead` must be the first write of every transaction that logs events,
 * so those transactions queue on one row lock (never deadlock on each other) and commit in
 * position order — the stored log is always a prefix without holes, which is what lets a
 * reader resume "after pos N" from storage alone.
 */
export interface HeadLock {
  pos: number;
}

export interface LogEntry {
  conversationId: string;
  /** A non-member who may read the event (the removed member), else null. */
  subjectUserId?: string | null;
  event: EventDraft;
}

type Db = Kysely<Database>;

export async function lockHead(trx: Db): Promise<HeadLock> {
  const row = await trx
    .updateTable('stream_head')
    .set((eb) => ({ pos: eb('pos', '+', 0) }))
    .where('id', '=', 1)
    .returning('pos')
    .executeTakeFirstOrThrow();
  return { pos: Number(row.pos) };
}

/** Gives the entries the next positions, chains each to its conversation's previous event, stores them. */
export async function appendEvents(trx: Db, head: HeadLock, entries: readonly LogEntry[], now: number): Promise<StoredEvent[]> {
  if (entries.length === 0) return [];
  const conversationIds = [...new Set(entries.map((e) => e.conversationId))];
  const lastPos = new Map<string, number>();
  for (let i = 0; i < conversationIds.length; i += 500) {
    const rows = await trx
      .selectFrom('conversations')
      .select(['id', 'last_pos'])
      .where('id', 'in', conversationIds.slice(i, i + 500))
      .execute();
    for (const row of rows) lastPos.set(row.id, Number(row.last_pos));
  }

  const stored: StoredEvent[] = entries.map((entry) => {
    head.pos += 1;
    const prev = lastPos.get(entry.conversationId) ?? 0;
    lastPos.set(entry.conversationId, head.pos);
    const event = { ...entry.event, pos: head.pos, prev } as PositionedEvent;
    const frame = JSON.stringify(event);
    return { pos: head.pos, conversationId: entry.conversationId, subjectUserId: entry.subjectUserId ?? null, createdAt: now, event, frame };
  });

  for (let i = 0; i < stored.length; i += 500) {
    await trx
      .insertInto('events')
      .values(
        stored.slice(i, i + 500).map((e) => ({
          pos: e.pos,
          conversation_id: e.conversationId,
          subject_user_id: e.subjectUserId,
          created_at: e.createdAt,
          payload: e.frame,
        })),
      )
      .execute();
  }
  for (const id of conversationIds) {
    await trx.updateTable('conversations').set({ last_pos: lastPos.get(id)! }).where('id', '=', id).execute();
  }
  await trx.updateTable('stream_head').set({ pos: head.pos }).where('id', '=', 1).execute();
  return stored;
}

export function toStoredEvent(row: Selectable<Database['events']>): StoredEvent {
  return {
    pos: Number(row.pos),
    conversationId: row.conversation_id,
    subjectUserId: row.subject_user_id,
    createdAt: Number(row.created_at),
    event: JSON.parse(row.payload) as PositionedEvent,
    frame: row.payload,
  };
}
