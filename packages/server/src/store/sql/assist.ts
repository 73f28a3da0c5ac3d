import type { AssistSettingsRecord, InteractionRecord, MessageRecord, MyLatestSeq, NeedsReplyCandidate } from '../store.js';
import { withQuotes } from './message-changes.js';
import { type Db, toMessage } from './rows.js';

/**
 * Assist's reads and rows (issue 40; store/assist/assist-store.ts). The rules (what needs a reply,
 * how interactions weigh) are the service's: these queries only narrow what it looks at.
 */

export async function getAssistSettings(db: Db, userId: string): Promise<AssistSettingsRecord | undefined> {
  const row = await db.selectFrom('assist_settings').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return (
    row && {
      enabled: row.enabled === 1,
      needsReply: row.needs_reply === 1,
      catchUp: row.catch_up === 1,
      replySuggestions: row.reply_suggestions === 1,
    }
  );
}

export async function putAssistSettings(db: Db, userId: string, s: AssistSettingsRecord, at: number): Promise<void> {
  const values = {
    enabled: s.enabled ? 1 : 0,
    needs_reply: s.needsReply ? 1 : 0,
    catch_up: s.catchUp ? 1 : 0,
    reply_suggestions: s.replySuggestions ? 1 : 0,
    updated_at: at,
  };
  await db
    .insertInto('assist_settings')
    .values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute();
}

export async function dismissNeedsReply(db: Db, userId: string, message: MessageRecord, at: number): Promise<boolean> {
  const inserted = await db
    .insertInto('assist_dismissals')
    .values({ user_id: userId, message_id: message.id, conversation_id: message.conversationId, dismissed_at: at })
    .onConflict((oc) => oc.columns(['user_id', 'message_id']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function needsReplyCandidates(
  db: Db,
  userId: string,
  page: { since: number; limit: number; beforeId?: string },
): Promise<NeedsReplyCandidate[]> {
  let query = db
    .selectFrom('messages as m')
    .innerJoin('members as me', (join) => join.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', userId))
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .leftJoin('messages as p', 'p.id', 'm.reply_to_id')
    .selectAll('m')
    .select(['c.kind as assist_kind', 'p.sender_id as assist_parent_sender'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('message_mentions as mm')
            .select('mm.message_id')
            .whereRef('mm.message_id', '=', 'm.id')
            .where('mm.user_id', '=', userId),
        )
        .as('assist_mentions_me'),
    )
    .where('m.sender_id', '<>', userId)
    .whereRef('m.seq', '>', 'me.cleared_seq')
    .where('m.deleted_at', 'is', null)
    .where('m.system', 'is', null)
    .where('m.created_at', '>=', page.since)
    .where((eb) =>
      eb.or([
        eb('c.kind', '=', 'direct'),
        eb('p.sender_id', '=', userId),
        eb.exists(
          eb
            .selectFrom('message_mentions as mm')
            .select('mm.message_id')
            .whereRef('mm.message_id', '=', 'm.id')
            .where('mm.user_id', '=', userId),
        ),
      ]),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('assist_dismissals as d')
            .select('d.message_id')
            .whereRef('d.message_id', '=', 'm.id')
            .where('d.user_id', '=', userId),
        ),
      ),
    );
  if (page.beforeId !== undefined) query = query.where('m.id', '<', page.beforeId);
  const rows = await query.orderBy('m.id', 'desc').limit(page.limit).execute();
  const messages = await withQuotes(
    db,
    rows.map(({ assist_kind: _k, assist_parent_sender: _p, assist_mentions_me: _m, ...row }) => toMessage(row)),
  );
  return messages.map((message, i) => {
    const row = rows[i]!;
    return {
      message,
      direct: row.assist_kind === 'direct',
      mentionsMe: Boolean(Number(row.assist_mentions_me)),
      repliesToMe: row.assist_parent_sender === userId,
    };
  });
}

export async function myLatestSeqs(db: Db, userId: string, since: number): Promise<MyLatestSeq[]> {
  const rows = await db
    .selectFrom('messages')
    .select(['conversation_id', 'thread_root_id', (eb) => eb.fn.max('seq').as('seq')])
    .where('sender_id', '=', userId)
    .where('created_at', '>=', since)
    .groupBy(['conversation_id', 'thread_root_id'])
    .execute();
  return rows.map((r) => ({ conversationId: r.conversation_id, threadRootId: r.thread_root_id, seq: Number(r.seq) }));
}

const peerOf = (directKey: string | null, userId: string) => directKey?.split(':').find((id) => id !== userId) ?? null;

/** My interactions since `since`: what I sent (and whom it replied to or mentioned), mentions of me, my reactions, what I read. */
export async function listInteractions(db: Db, userId: string, since: number, limit: number): Promise<InteractionRecord[]> {
  const [sent, mentionsOfMe, reacted, read] = await Promise.all([
    db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .leftJoin('messages as p', 'p.id', 'm.reply_to_id')
      .select(['m.conversation_id', 'm.created_at', 'm.mentions', 'c.direct_key', 'p.sender_id as parent_sender'])
      .where('m.sender_id', '=', userId)
      .where('m.created_at', '>=', since)
      .where('m.system', 'is', null)
      .orderBy('m.created_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('message_mentions as mm')
      .innerJoin('messages as m', 'm.id', 'mm.message_id')
      .select(['m.conversation_id', 'm.sender_id', 'm.created_at'])
      .where('mm.user_id', '=', userId)
      .where('m.sender_id', '<>', userId)
      .where('m.created_at', '>=', since)
      .orderBy('m.created_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('messages as m')
      .innerJoin('members as me', (join) => join.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', userId))
      .select(['m.conversation_id', 'm.sender_id', 'm.created_at', 'm.reactions'])
      .where('m.reactions', '<>', '[]')
      .where('m.deleted_at', 'is', null)
      .where('m.created_at', '>=', since)
      .orderBy('m.id', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('members as me')
      .innerJoin('conversations as c', 'c.id', 'me.conversation_id')
      .select(['c.id', 'c.direct_key', 'c.last_activity_at'])
      .where('me.user_id', '=', userId)
      .where('me.read_seq', '>', 0)
      .where('c.last_activity_at', '>=', since)
      .orderBy('c.last_activity_at', 'desc')
      .limit(limit)
      .execute(),
  ]);
  const found: InteractionRecord[] = [];
  for (const m of sent) {
    const at = Number(m.created_at);
    found.push({ kind: 'sent', conversationId: m.conversation_id, peerId: peerOf(m.direct_key, userId), at });
    if (m.parent_sender !== null && m.parent_sender !== userId)
      found.push({ kind: 'replied', conversationId: m.conversation_id, peerId: m.parent_sender, at });
    for (const id of JSON.parse(m.mentions) as string[])
      if (id !== userId) found.push({ kind: 'mentioned', conversationId: m.conversation_id, peerId: id, at });
  }
  for (const m of mentionsOfMe)
    found.push({ kind: 'mentioned_me', conversationId: m.conversation_id, peerId: m.sender_id, at: Number(m.created_at) });
  for (const m of reacted) {
    const reactions = JSON.parse(m.reactions) as { userIds: string[] }[];
    if (!reactions.some((r) => r.userIds.includes(userId))) continue;
    const peerId = m.sender_id === userId ? null : m.sender_id;
    found.push({ kind: 'reacted', conversationId: m.conversation_id, peerId, at: Number(m.created_at) });
  }
  for (const c of read)
    found.push({ kind: 'read', conversationId: c.id, peerId: peerOf(c.direct_key, userId), at: Number(c.last_activity_at) });
  return found;
}
