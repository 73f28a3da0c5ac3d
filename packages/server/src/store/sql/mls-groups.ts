import type { Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { AppendRefusal, ConversationRecord, Draft, MlsGroupRecord, NewMessage, StoredEvent, SystemDraft } from '../store.js';
import { appendEvents } from '../event-log.js';
import { appendSystemMessage } from './system-messages.js';
import { type Db, toConversation } from './rows.js';

/**
 * Encrypted conversations' MLS groups (issue 39, decision 0027): the group a conversation is
 * created with or turned into, and the epoch check of commits, a step of the message append.
 */

const toGroup = (row: Selectable<Database['mls_groups']>): MlsGroupRecord => ({
  conversationId: row.conversation_id,
  groupId: row.group_id,
  ciphersuite: Number(row.ciphersuite),
  epoch: Number(row.epoch),
  groupInfo: row.group_info,
  updatedAt: Number(row.updated_at),
});

export async function insertMlsGroup(db: Db, group: MlsGroupRecord): Promise<void> {
  await db
    .insertInto('mls_groups')
    .values({
      conversation_id: group.conversationId,
      group_id: group.groupId,
      ciphersuite: group.ciphersuite,
      epoch: group.epoch,
      group_info: group.groupInfo,
      updated_at: group.updatedAt,
    })
    .execute();
}

export async function getMlsGroup(db: Db, conversationId: string): Promise<MlsGroupRecord | undefined> {
  const row = await db.selectFrom('mls_groups').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
  return row && toGroup(row);
}

/**
 * Turns encryption on for a conversation, with its group at epoch 0, logging `announce` and the
 * system message in the same transaction. Undefined when there is no such conversation or it is
 * encrypted already (never twice, never off).
 */
export function encryptConversation(
  db: Db,
  group: MlsGroupRecord,
  announce: Draft<ConversationRecord>,
  system: SystemDraft,
): Promise<{ conversation: ConversationRecord; events: StoredEvent[] } | undefined> {
  const id = group.conversationId;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('conversations')
      .set({ encrypted: 1 })
      .where('id', '=', id)
      .where('encrypted', '=', 0)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    await insertMlsGroup(trx, group);
    const conversation = toConversation(row);
    const recorded = await appendSystemMessage(trx, id, system, group.updatedAt);
    const events = await appendEvents(
      trx,
      new Map([[id, conversation.lastPos]]),
      [{ conversationId: id, event: announce(conversation) }, recorded.entry],
      group.updatedAt,
    );
    conversation.lastSeq = recorded.message.seq;
    conversation.lastActivityAt = group.updatedAt;
    conversation.lastPos = events.at(-1)!.pos;
    return { conversation, events };
  });
}

/**
 * The append's epoch step: each commit of the batch (`advance`) is kept only if it was made in
 * its group's current epoch, which it moves on by one, with the GroupInfo it leaves; the others
 * are refused with the epoch that is current. The compare-and-set is one UPDATE, in the
 * transaction that then numbers the kept messages, so of two commits of one epoch exactly one is
 * stored, wherever they were sent. Groups are updated in conversation-id order (one lock order
 * across nodes, as the conversations' own), commits of one group in batch order.
 */
export async function advanceEpochs<E extends { index: number; message: NewMessage }>(
  trx: Db,
  entries: readonly E[],
  refused: Map<number, AppendRefusal>,
): Promise<{ kept: E[]; refused: Map<number, AppendRefusal> }> {
  const commits = entries.filter((e) => e.message.advance !== undefined);
  if (commits.length === 0) return { kept: [...entries], refused };
  const ordered = [...commits].sort((a, b) =>
    a.message.conversationId < b.message.conversationId ? -1 : a.message.conversationId > b.message.conversationId ? 1 : a.index - b.index,
  );
  for (const { index, message } of ordered) {
    const { epoch, groupInfo } = message.advance!;
    const result = await trx
      .updateTable('mls_groups')
      .set({ epoch: epoch + 1, group_info: groupInfo, updated_at: message.createdAt })
      .where('conversation_id', '=', message.conversationId)
      .where('epoch', '=', epoch)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) continue;
    const current = await getMlsGroup(trx, message.conversationId);
    refused.set(index, { epochConflict: current?.epoch ?? 0 });
  }
  return { kept: entries.filter((e) => !refused.has(e.index)), refused };
}

/**
 * Thrown inside the append's transaction, which it rolls back, when a plain message of the batch
 * meets a conversation encrypted after its send read the flag (issue 39): the flag is read again
 * under the conversation's lock, as the seqs are reserved. The batch is then appended again with
 * the plain messages of those conversations refused (`refusePlainIn`). Encryption is never turned
 * off, so the retry need not look again.
 */
export class EncryptedSince extends Error {
  constructor(readonly conversationIds: readonly string[]) {
    super(`a plain message into a conversation encrypted since its send: ${conversationIds.join(', ')}`);
  }
}

const isPlain = (message: NewMessage) => message.kind !== 'encrypted';

/** The conversations of `reserved` (locked) that are encrypted and have a plain message among `entries`. */
export function encryptedSince<E extends { message: NewMessage }>(
  entries: ReadonlyMap<string, readonly E[]>,
  reserved: ReadonlyMap<string, { encrypted: boolean }>,
): string[] {
  return [...entries]
    .filter(([id, list]) => reserved.get(id)?.encrypted === true && list.some((e) => isPlain(e.message)))
    .map(([id]) => id);
}

/** The append's step for a retry after `EncryptedSince`: plain messages into those conversations refused. */
export function refusePlainIn<E extends { index: number; message: NewMessage }>(
  encrypted: ReadonlySet<string>,
  entries: readonly E[],
  refused: Map<number, AppendRefusal>,
): { kept: E[]; refused: Map<number, AppendRefusal> } {
  if (encrypted.size === 0) return { kept: [...entries], refused };
  const kept: E[] = [];
  for (const entry of entries) {
    if (encrypted.has(entry.message.conversationId) && isPlain(entry.message)) refused.set(entry.index, { encryptedConversation: true });
    else kept.push(entry);
  }
  return { kept, refused };
}
