import { CompiledQuery } from 'kysely';
import type { AppendPlan, AppendOutcome, MessageRecord, MessageUpdate, NewMessage, NotifyDraft, StoredEvent } from '../store.js';
import { type Entry, findStored, newRecord, sortOut } from './append-steps.js';
import { withQuotes } from './message-changes.js';
import { onOneConnection } from './one-connection.js';
import type { Db } from './rows.js';

/**
 * The group commit's append in one query, for engines that have one (PostgreSQL:
 * `postgres/one-statement-append.ts`, decision 0017): what it takes and the transaction around it.
 */

/** A new message of a batch as it will be stored, but for its seq, and its place in the batch. */
export interface FreshMessage {
  index: number;
  record: MessageRecord;
  /** Set by an appender that looks for the sender's draft in its transaction (`AppendResult.draftToClear`). */
  draftToClear?: boolean;
}

/**
 * An engine's way to store a batch of new messages (in that order) and commit, in one query:
 * sets each record's seq and answers the logged events. With `lookedUp` the caller has opened a
 * transaction and left the stored (sender, clientId) pairs out of `fresh`; without, the query
 * opens its own and checks. It answers, having written nothing, undefined when it cannot take the
 * batch (which then goes statement by statement) and, when it checked, `'stored'` when a pair of
 * the batch is stored already.
 */
export interface FreshAppender {
  (conn: Db, fresh: readonly FreshMessage[], plan: AppendPlan, lookedUp: boolean): Promise<StoredEvent[] | 'stored' | undefined>;
  /**
   * It takes MLS application messages and welcomes too, checking their sending devices as
   * `sending-devices.ts` does (the same lock, in the same transaction) and answering undefined,
   * having written nothing, when one is not an active device of its sender (PostgreSQL, issue 39).
   */
  readonly checksSendingDevices?: boolean;
}

type Appended = { results: AppendOutcome[]; events: StoredEvent[]; updates: [] };

/**
 * Whether the engine's one-query append takes the batch: new messages only (no changes,
 * notifications, replies or attachments, whose steps read under the locks), in at most 300
 * conversations; MLS application messages and welcomes only where it checks their sending devices.
 */
export function inOneQuery(
  batch: readonly NewMessage[],
  updates: readonly MessageUpdate[],
  notify: NotifyDraft | undefined,
  checksSendingDevices: boolean,
): boolean {
  if (updates.length > 0 || (notify !== undefined && notify.notifications.length > 0)) return false;
  const conversations = new Set<string>();
  for (const m of batch) {
    // The device check is a step of its own elsewhere (sql/sending-devices.ts), and so is a
    // commit's epoch check, always (sql/mls-groups.ts: a compare-and-set per commit).
    if (m.mls !== undefined && (!checksSendingDevices || m.mls.type === 'commit' || m.advance !== undefined)) return false;
    if ((m.replyToId ?? null) !== null || (m.threadRootId ?? null) !== null || (m.attachments?.length ?? 0) > 0) return false;
    conversations.add(m.conversationId);
  }
  return conversations.size > 0 && conversations.size <= 300;
}

/**
 * The append of a batch of new messages that `inOneQuery` takes, where the engine has a `FreshAppender`: the
 * engine's one query stores, numbers, logs and commits the new ones, so the node has nothing to do
 * while the locks are held. Undefined, having written nothing, where the engine's query cannot
 * take the batch: it then goes statement by statement (`message-append.ts`).
 *
 * First try, one round trip in all: every (sender, clientId) pair taken to be new, the query
 * checking that none is stored. Where one is (a resend), BEGIN, the idempotency lookup (no locks
 * yet), then the query for the pairs that are new: resends are rare, and the round trips of the
 * lookup, paid by every batch, were most of what a busy cluster's sessions waited on besides locks
 * (issue 13, part 7).
 */
export function appendInOneQuery(
  db: Db,
  batch: readonly NewMessage[],
  plan: AppendPlan,
  appendFresh: FreshAppender,
): Promise<Appended | undefined> {
  return onOneConnection(db, async (conn): Promise<Appended | undefined> => {
    const first = await inTransaction(conn, async () => {
      const sorted = sortOut(batch, new Map());
      const fresh = freshRecords(sorted.fresh);
      const answer = await appendFresh(conn, fresh, plan, false);
      return answer === 'stored' ? answer : answer && appended(sorted, fresh, answer);
    });
    if (first !== 'stored') return first;
    await conn.executeQuery(CompiledQuery.raw('begin'));
    return inTransaction(conn, async () => {
      const sorted = sortOut(batch, await findStored(conn, batch));
      await withQuotes(
        conn,
        sorted.results.flatMap((r) => (r ? [r.message] : [])),
      );
      if (sorted.fresh.length === 0) {
        await conn.executeQuery(CompiledQuery.raw('commit'));
        return appended(sorted, [], []);
      }
      const fresh = freshRecords(sorted.fresh);
      const answer = await appendFresh(conn, fresh, plan, true);
      if (answer === undefined || answer === 'stored') {
        await conn.executeQuery(CompiledQuery.raw('rollback'));
        return undefined;
      }
      return appended(sorted, fresh, answer);
    });
  });
}

const freshRecords = (entries: readonly Entry[]): FreshMessage[] =>
  entries.map(({ index, message }) => ({ index, record: newRecord(message, 0) }));

/** The batch's answers: the stored messages, the new ones as stored, repeats within the batch as their first. */
function appended(sorted: ReturnType<typeof sortOut>, fresh: readonly FreshMessage[], events: StoredEvent[]): Appended {
  const results = [...sorted.results];
  for (const { index, record, draftToClear } of fresh)
    results[index] = draftToClear === undefined ? { message: record, created: true } : { message: record, created: true, draftToClear };
  for (const { index, of } of sorted.repeats) results[index] = { message: results[of]!.message, created: false };
  return { results: results.map((r) => r!), events, updates: [] };
}

/** Runs `work`, rolling back whatever transaction it left open when it fails. */
async function inTransaction<T>(conn: Db, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // A failed statement leaves the transaction aborted (a query that opened its own included);
    // a failed COMMIT has ended it, and a ROLLBACK then only warns.
    await conn.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
    throw error;
  }
}
