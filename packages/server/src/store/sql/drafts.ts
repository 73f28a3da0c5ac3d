import { CompiledQuery, type Selectable } from 'kysely';
import { appendEvents } from '../event-log.js';
import type { Database } from '../schema.js';
import { lockUserStreams } from '../stream-locks.js';
import type { Draft, DraftRecord, DraftSave, DraftSaveOutcome, SentDraft, StoredEvent } from '../store.js';
import type { Db } from './rows.js';
import { paddedLists, shapedText } from './hot-statements.js';

/**
 * Each user's draft of each conversation (issue 37). A save is one conditional write on the
 * version the device last saw (an INSERT that does nothing on a conflict for version 0, else an
 * UPDATE … WHERE version = ?): on PostgreSQL and MySQL a second save of the same version waits
 * for the first one's row lock and then finds the version moved, so exactly one of them wins;
 * SQLite runs them one after the other. The draft's row is written first, then the user's stream
 * locked (the order of saved messages and thread reads: store/sql/saved.ts).
 */

export function saveDraft(db: Db, save: DraftSave, announce: Draft<DraftRecord>): Promise<DraftSaveOutcome> {
  return db.transaction().execute(async (trx) => {
    const next: DraftRecord = {
      userId: save.userId,
      conversationId: save.conversationId,
      body: save.body,
      replyToId: save.replyToId,
      version: save.version + 1,
      updatedAt: save.now,
    };
    let stored: boolean;
    if (save.version === 0) {
      const inserted = await trx
        .insertInto('drafts')
        .values(draftRow(next))
        .onConflict((oc) => oc.columns(['user_id', 'conversation_id']).doNothing())
        .executeTakeFirst();
      stored = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    } else {
      const updated = await trx
        .updateTable('drafts')
        .set({ body: next.body, reply_to_id: next.replyToId, version: next.version, updated_at: next.updatedAt })
        .where('user_id', '=', save.userId)
        .where('conversation_id', '=', save.conversationId)
        .where('version', '=', save.version)
        .executeTakeFirst();
      stored = Number(updated.numUpdatedRows) > 0;
    }
    if (!stored) return { conflict: await getDraft(trx, save.userId, save.conversationId) };
    return { saved: next, events: await logDrafts(trx, [next], announce) };
  });
}

export function clearDraft(
  db: Db,
  userId: string,
  conversationId: string,
  now: number,
  announce: Draft<DraftRecord>,
): Promise<StoredEvent[]> {
  return db.transaction().execute(async (trx) => {
    const current = await getDraft(trx, userId, conversationId);
    if (!current || current.body === '') return [];
    const cleared = await clearIf(trx, current, now);
    return cleared ? logDrafts(trx, [cleared], announce) : [];
  });
}

export async function clearSent(db: Db, sends: readonly SentDraft[], now: number, announce: Draft<DraftRecord>): Promise<StoredEvent[]> {
  // One pair per (sender, conversation), at its last send of the batch.
  const latest = new Map<string, SentDraft>();
  for (const send of sends) {
    const key = `${send.userId} ${send.conversationId}`;
    const seen = latest.get(key);
    if (!seen || seen.sentAt < send.sentAt) latest.set(key, send);
  }
  const found: DraftRecord[] = [];
  // Runs after every committed batch where the append did not look itself (every engine but
  // SQLite's one-run append), nearly always to find nothing: a text made once per list
  // length (as the group commit's idempotency lookup), not a tree built and compiled by Kysely
  // each time (on one REST sender that was about 6 % of the main thread). Each pair is one probe
  // of the primary key.
  for (const chunk of paddedLists([...latest.values()], 192)) {
    const text = shapedText(db, `drafts-sent|${chunk.length}`, (mark) => {
      const keys = chunk.map((_, i) => `(${mark(2 * i)}, ${mark(2 * i + 1)})`);
      return `select * from "drafts" where "body" <> '' and ("user_id", "conversation_id") in (values ${keys.join(', ')})`;
    });
    const params = chunk.flatMap((p) => [p.userId, p.conversationId]);
    const { rows } = await db.executeQuery<Selectable<Database['drafts']>>(CompiledQuery.raw(text, params));
    for (const row of rows) {
      const draft = toDraft(row);
      if (draft.updatedAt <= latest.get(`${draft.userId} ${draft.conversationId}`)!.sentAt) found.push(draft);
    }
  }
  if (found.length === 0) return [];
  // Rows in one order, so that two nodes clearing at once cannot deadlock.
  found.sort((a, b) => compare(a.userId, b.userId) || compare(a.conversationId, b.conversationId));
  return db.transaction().execute(async (trx) => {
    const cleared: DraftRecord[] = [];
    for (const draft of found) {
      const done = await clearIf(trx, draft, now);
      if (done) cleared.push(done);
    }
    return logDrafts(trx, cleared, announce);
  });
}

export async function listDrafts(db: Db, userId: string): Promise<DraftRecord[]> {
  const rows = await db
    .selectFrom('drafts as d')
    .innerJoin('members as me', (join) => join.onRef('me.conversation_id', '=', 'd.conversation_id').on('me.user_id', '=', userId))
    .selectAll('d')
    .where('d.user_id', '=', userId)
    .where('d.body', '<>', '')
    .orderBy('d.updated_at', 'desc')
    .orderBy('d.conversation_id', 'desc')
    .execute();
  return rows.map(toDraft);
}

export async function getDraft(db: Db, userId: string, conversationId: string): Promise<DraftRecord | undefined> {
  const row = await db
    .selectFrom('drafts')
    .selectAll()
    .where('user_id', '=', userId)
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  return row ? toDraft(row) : undefined;
}

/** Empties `draft` as the next version if it is still the version read (else it changed meanwhile: left alone). */
async function clearIf(trx: Db, draft: DraftRecord, now: number): Promise<DraftRecord | undefined> {
  const updated = await trx
    .updateTable('drafts')
    .set({ body: '', reply_to_id: null, version: draft.version + 1, updated_at: now })
    .where('user_id', '=', draft.userId)
    .where('conversation_id', '=', draft.conversationId)
    .where('version', '=', draft.version)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return undefined;
  return { ...draft, body: '', replyToId: null, version: draft.version + 1, updatedAt: now };
}

/** Logs each changed draft in its user's private stream (the users' rows locked in id order). */
async function logDrafts(trx: Db, changed: readonly DraftRecord[], announce: Draft<DraftRecord>): Promise<StoredEvent[]> {
  if (changed.length === 0) return [];
  const lastPos = await lockUserStreams(
    trx,
    changed.map((d) => d.userId),
  );
  return appendEvents(
    trx,
    lastPos,
    changed.map((d) => ({ conversationId: d.userId, private: true, event: announce(d) })),
    Date.now(),
  );
}

function toDraft(row: Selectable<Database['drafts']>): DraftRecord {
  return {
    userId: row.user_id,
    conversationId: row.conversation_id,
    body: row.body,
    replyToId: row.reply_to_id,
    version: Number(row.version),
    updatedAt: Number(row.updated_at),
  };
}

function draftRow(d: DraftRecord): Database['drafts'] {
  return {
    user_id: d.userId,
    conversation_id: d.conversationId,
    body: d.body,
    reply_to_id: d.replyToId,
    version: d.version,
    updated_at: d.updatedAt,
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
