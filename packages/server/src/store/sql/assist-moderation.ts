import type { HeldRecord, NewMessage, ReplyPairRecord, ReportDecision, ReportRecord, SenderStanding, SpamFeatureCount } from '../store.js';
import type { Db } from './rows.js';

/**
 * Assist's reports, held messages, spam model counts and reply history (issue 40;
 * store/assist/assist-store.ts). What is spam, and who is trusted, are the service's to decide.
 */

type ReportRow = {
  id: string;
  message_id: string;
  conversation_id: string;
  sender_id: string;
  reporter_id: string;
  reason: ReportRecord['reason'];
  note: string | null;
  shared_text: string | null;
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
  decision: ReportDecision | null;
};

const toReport = (r: ReportRow): ReportRecord => ({
  id: r.id,
  messageId: r.message_id,
  conversationId: r.conversation_id,
  senderId: r.sender_id,
  reporterId: r.reporter_id,
  reason: r.reason,
  note: r.note,
  sharedText: r.shared_text,
  createdAt: Number(r.created_at),
  resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
  resolvedBy: r.resolved_by,
  decision: r.decision,
});

export async function addReport(db: Db, r: Omit<ReportRecord, 'resolvedAt' | 'resolvedBy' | 'decision'>): Promise<boolean> {
  const inserted = await db
    .insertInto('assist_reports')
    .values({
      id: r.id,
      message_id: r.messageId,
      conversation_id: r.conversationId,
      sender_id: r.senderId,
      reporter_id: r.reporterId,
      reason: r.reason,
      note: r.note,
      shared_text: r.sharedText,
      created_at: r.createdAt,
      resolved_at: null,
      resolved_by: null,
      decision: null,
    })
    .onConflict((oc) => oc.columns(['message_id', 'reporter_id']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function getReport(db: Db, id: string): Promise<ReportRecord | undefined> {
  const row = await db.selectFrom('assist_reports').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toReport(row);
}

export async function listReports(db: Db, page: { resolved: boolean; limit: number; beforeId?: string }): Promise<ReportRecord[]> {
  let query = db
    .selectFrom('assist_reports')
    .selectAll()
    .where('resolved_at', page.resolved ? 'is not' : 'is', null);
  if (page.beforeId !== undefined) query = query.where('id', '<', page.beforeId);
  return (await query.orderBy('id', 'desc').limit(page.limit).execute()).map(toReport);
}

export async function resolveReport(db: Db, id: string, decision: ReportDecision, by: string, at: number): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const report = await tx.selectFrom('assist_reports').select('message_id').where('id', '=', id).executeTakeFirst();
    if (!report) return false;
    const first = await tx
      .updateTable('assist_reports')
      .set({ resolved_at: at, resolved_by: by, decision })
      .where('id', '=', id)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    if (Number(first.numUpdatedRows) === 0) return false;
    // The other open reports of the same message are settled by the same decision.
    await tx
      .updateTable('assist_reports')
      .set({ resolved_at: at, resolved_by: by, decision })
      .where('message_id', '=', report.message_id)
      .where('resolved_at', 'is', null)
      .execute();
    return true;
  });
}

export async function senderStanding(db: Db, userId: string, limit: number): Promise<SenderStanding> {
  const [sent, spam] = await Promise.all([
    db
      .selectFrom((eb) => eb.selectFrom('messages').select('id').where('sender_id', '=', userId).limit(limit).as('mine'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('assist_reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sender_id', '=', userId)
      .where('decision', '=', 'spam')
      .executeTakeFirstOrThrow(),
  ]);
  return { messagesSent: Number(sent.n), spamDecisions: Number(spam.n) };
}

type HeldRow = { draft: string; score: number };
const toHeld = (r: HeldRow): HeldRecord => ({ draft: JSON.parse(r.draft) as NewMessage, score: Number(r.score) / 1000 });

export async function hold(db: Db, held: HeldRecord, at: number): Promise<boolean> {
  const { draft } = held;
  const inserted = await db
    .insertInto('assist_held')
    .values({
      message_id: draft.id,
      conversation_id: draft.conversationId,
      sender_id: draft.senderId,
      client_id: draft.clientId,
      draft: JSON.stringify(draft),
      score: Math.round(held.score * 1000),
      created_at: at,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function getHeld(db: Db, messageId: string): Promise<HeldRecord | undefined> {
  const row = await db.selectFrom('assist_held').select(['draft', 'score']).where('message_id', '=', messageId).executeTakeFirst();
  return row && toHeld(row);
}

export async function getHeldByClientId(db: Db, senderId: string, clientId: string): Promise<HeldRecord | undefined> {
  const row = await db
    .selectFrom('assist_held')
    .select(['draft', 'score'])
    .where('sender_id', '=', senderId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row && toHeld(row);
}

export async function listHeld(db: Db, page: { limit: number; afterId?: string }): Promise<HeldRecord[]> {
  let query = db.selectFrom('assist_held').select(['draft', 'score']);
  if (page.afterId !== undefined) query = query.where('message_id', '>', page.afterId);
  return (await query.orderBy('message_id', 'asc').limit(page.limit).execute()).map(toHeld);
}

export async function unhold(db: Db, messageId: string): Promise<boolean> {
  const deleted = await db.deleteFrom('assist_held').where('message_id', '=', messageId).executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}

export async function trainSpam(db: Db, features: readonly string[], spam: boolean, weight: number): Promise<void> {
  // Sorted: two trainings touch their shared rows in the same order (no deadlock on PostgreSQL or InnoDB).
  const unique = [...new Set(features)].sort();
  if (unique.length === 0) return;
  const add = spam ? { spam: weight, ham: 0 } : { spam: 0, ham: weight };
  await db
    .insertInto('assist_spam_features')
    .values(unique.map((feature) => ({ feature, spam: Math.max(0, add.spam), ham: Math.max(0, add.ham) })))
    .onConflict((oc) =>
      oc.column('feature').doUpdateSet((eb) => ({
        spam: eb('assist_spam_features.spam', '+', add.spam),
        ham: eb('assist_spam_features.ham', '+', add.ham),
      })),
    )
    .execute();
}

export async function spamModel(db: Db): Promise<SpamFeatureCount[]> {
  const rows = await db.selectFrom('assist_spam_features').selectAll().orderBy('feature').execute();
  return rows.map((r) => ({ feature: r.feature, spam: Number(r.spam), ham: Number(r.ham) }));
}

/** My newest messages with what each answered: the message it quotes, else the one just before it in its conversation and thread. */
export async function myReplyPairs(db: Db, userId: string, since: number, limit: number): Promise<ReplyPairRecord[]> {
  const mine = await db
    .selectFrom('messages as m')
    .select(['m.body', 'm.created_at', 'm.conversation_id', 'm.reply_to_id'])
    .select((eb) =>
      eb
        .selectFrom('messages as p')
        .select('p.id')
        .whereRef('p.conversation_id', '=', 'm.conversation_id')
        .whereRef('p.seq', '<', 'm.seq')
        .where('p.system', 'is', null)
        .where((w) =>
          w.or([
            w.and([w('m.thread_root_id', 'is', null), w('p.thread_root_id', 'is', null)]),
            w('p.thread_root_id', '=', w.ref('m.thread_root_id')),
            w('p.id', '=', w.ref('m.thread_root_id')),
          ]),
        )
        .orderBy('p.seq', 'desc')
        .limit(1)
        .as('previous_id'),
    )
    .where('m.sender_id', '=', userId)
    .where('m.created_at', '>=', since)
    .where('m.deleted_at', 'is', null)
    .where('m.system', 'is', null)
    .orderBy('m.created_at', 'desc')
    .limit(limit)
    .execute();
  const promptIds = [...new Set(mine.map((m) => m.reply_to_id ?? m.previous_id).filter((id): id is string => id !== null))];
  if (promptIds.length === 0) return [];
  const prompts = new Map(
    (
      await db
        .selectFrom('messages')
        .select(['id', 'body', 'sender_id'])
        .where('id', 'in', promptIds)
        .where('deleted_at', 'is', null)
        .execute()
    ).map((p) => [p.id, p]),
  );
  const pairs: ReplyPairRecord[] = [];
  for (const m of mine) {
    const prompt = prompts.get(m.reply_to_id ?? m.previous_id ?? '');
    // A message after my own is a continuation, not an answer.
    if (!prompt || prompt.sender_id === userId) continue;
    pairs.push({ promptBody: prompt.body, replyBody: m.body, conversationId: m.conversation_id, repliedAt: Number(m.created_at) });
  }
  return pairs;
}
