import { type Updateable, sql } from 'kysely';
import type { Database } from '../schema.js';
import { appendEvents } from '../event-log.js';
import { lockUserStreams } from '../stream-locks.js';
import type { ConversationListRow, Draft, MemberKey, MemberSettings, SettingsChange, StoredEvent } from '../store.js';
import { getConversationView } from './conversation-list.js';
import type { Db } from './rows.js';

/** Each member's own settings of a conversation: mute, star, archive, clear history. Nobody else sees them. */

export function updateMemberSettings(
  db: Db,
  conversationId: string,
  userId: string,
  change: SettingsChange,
  announce: Draft<ConversationListRow>,
): Promise<{ view: ConversationListRow; events: StoredEvent[] } | undefined> {
  return db.transaction().execute(async (trx) => {
    const conversation = await trx.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirst();
    if (!conversation) return undefined;
    // The event goes to my private stream alone: its row is the only lock taken before the head.
    const lastPos = await lockUserStreams(trx, [userId]);
    const values: Updateable<Database['members']> = {};
    if (change.muted !== undefined) values.muted = change.muted ? 1 : 0;
    if (change.starred !== undefined) values.starred = change.starred ? 1 : 0;
    if (change.archived !== undefined) values.archived_seq = change.archived ? Number(conversation.last_seq) : null;
    // Never backwards: a clear that raced behind a later one keeps the later seq.
    const cleared = change.clear ? Number(conversation.last_seq) : undefined;
    const updated = await trx
      .updateTable('members')
      .set(values)
      .$if(cleared !== undefined, (q) =>
        q.set((eb) => ({ cleared_seq: eb.case().when('cleared_seq', '<', cleared!).then(cleared!).else(eb.ref('cleared_seq')).end() })),
      )
      .$if(Object.keys(values).length === 0 && cleared === undefined, (q) => q.set((eb) => ({ muted: eb.ref('muted') })))
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return undefined;
    const view = (await getConversationView(trx, userId, conversationId))!;
    const events = await appendEvents(trx, lastPos, [{ conversationId: userId, private: true, event: announce(view) }], Date.now());
    return { view, events };
  });
}

export async function getMemberSettings(db: Db, conversationId: string, userId: string): Promise<MemberSettings | undefined> {
  const row = await db
    .selectFrom('members as me')
    .innerJoin('conversations as c', 'c.id', 'me.conversation_id')
    .select(['me.muted', 'me.starred', 'me.archived_seq', 'me.cleared_seq', 'c.last_seq'])
    .where('me.conversation_id', '=', conversationId)
    .where('me.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    muted: Number(row.muted) === 1,
    starred: Number(row.starred) === 1,
    archived: row.archived_seq !== null && Number(row.last_seq) <= Number(row.archived_seq),
    clearedSeq: Number(row.cleared_seq),
  };
}

/**
 * Of these pairs, the ones where the member muted the conversation: one read (in chunks) for the
 * lot. The pairs are matched as row values, one probe of the members key each (the conversations
 * and users listed apart would probe every pairing of them).
 */
export async function mutedAmong(db: Db, pairs: readonly MemberKey[]): Promise<MemberKey[]> {
  const unique = [...new Map(pairs.map((p) => [`${p.conversationId}\u0000${p.userId}`, p])).values()];
  const muted: MemberKey[] = [];
  for (let i = 0; i < unique.length; i += 400) {
    // `IN (VALUES …)`: SQLite takes a row value's list only as a subquery; PostgreSQL takes either.
    const keys = sql.join(unique.slice(i, i + 400).map((p) => sql`(${p.conversationId}, ${p.userId})`));
    const rows = await db
      .selectFrom('members')
      .select(['conversation_id', 'user_id'])
      .where('muted', '=', 1)
      .where(sql<boolean>`(conversation_id, user_id) in (values ${keys})`)
      .execute();
    for (const r of rows) muted.push({ conversationId: r.conversation_id, userId: r.user_id });
  }
  return muted;
}
