import { CompiledQuery } from 'kysely';
import type {
  AppendPlan,
  AppendOutcome,
  AppendResult,
  MessageRecord,
  MessageUpdate,
  NewMessage,
  NotifyDraft,
  StoredEvent,
} from '../store.js';
import { findStored, newRecord, sortOut } from './append-steps.js';
import { withQuotes } from './message-changes.js';
import type { Db } from './rows.js';

/**
 * The group commit's append in one query, for engines that have one (PostgreSQL:
 * `postgres/one-statement-append.ts`, decision 0017): what it takes and the transaction around it.
 */

/** A new message of a batch as it will be stored, but for its seq, and its place in the batch. */
export interface FreshMessage {
  index: number;
  record: MessageRecord;
}

/**
 * An engine's way to store a batch of plain new messages (in that order) and commit the
 * transaction `conn` has open, in one query: sets each record's seq and answers the logged
 * events, or answers undefined having written nothing (the batch then goes statement by statement).
 */
export type FreshAppender = (conn: Db, fresh: readonly FreshMessage[], plan: AppendPlan) => Promise<StoredEvent[] | undefined>;

type Appended = { results: AppendOutcome[]; events: StoredEvent[]; updates: [] };

/**
 * Whether the engine's one-query append takes the batch: plain new messages only (no changes,
 * notifications, replies or attachments, whose steps read under the locks), in at most 300
 * conversations.
 */
export function inOneQuery(batch: readonly NewMessage[], updates: readonly MessageUpdate[], notify: NotifyDraft | undefined): boolean {
  if (updates.length > 0 || (notify !== undefined && notify.notifications.length > 0)) return false;
  const conversations = new Set<string>();
  for (const m of batch) {
    if ((m.replyToId ?? null) !== null || (m.threadRootId ?? null) !== null || (m.attachments?.length ?? 0) > 0) return false;
    conversations.add(m.conversationId);
  }
  return conversations.size > 0 && conversations.size <= 300;
}

/**
 * The append of a batch of plain new messages, where the engine has a `FreshAppender`: BEGIN, the
 * idempotency lookup (no locks yet), then the engine's one query that stores, numbers, logs and
 * commits the new ones, so the node has nothing to do while the locks are held. Undefined, having
 * written nothing, where the engine's query cannot take the batch: it then goes statement by
 * statement (`message-append.ts`).
 */
export function appendInOneQuery(
  db: Db,
  batch: readonly NewMessage[],
  plan: AppendPlan,
  appendFresh: FreshAppender,
): Promise<Appended | undefined> {
  return db.connection().execute(async (conn): Promise<Appended | undefined> => {
    await conn.executeQuery(CompiledQuery.raw('begin'));
    let events: StoredEvent[] | undefined = [];
    let results: (AppendResult | undefined)[] = [];
    try {
      const stored = await findStored(conn, batch);
      const sorted = sortOut(batch, stored);
      results = sorted.results;
      await withQuotes(
        conn,
        results.flatMap((r) => (r ? [r.message] : [])),
      );
      if (sorted.fresh.length === 0) {
        await conn.executeQuery(CompiledQuery.raw('commit'));
      } else {
        const fresh = sorted.fresh.map(({ index, message }) => ({ index, record: newRecord(message, 0) }));
        events = await appendFresh(conn, fresh, plan);
        if (events !== undefined) {
          for (const { index, record } of fresh) results[index] = { message: record, created: true };
          for (const { index, of } of sorted.repeats) results[index] = { message: results[of]!.message, created: false };
        } else await conn.executeQuery(CompiledQuery.raw('rollback'));
      }
    } catch (error) {
      // A failed statement leaves the transaction aborted; a failed COMMIT has ended it.
      await conn.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
      throw error;
    }
    return events && { results: results.map((r) => r!), events, updates: [] };
  });
}
