import type { EventDraft } from '@confab/protocol';
import { appendEvents } from '../event-log.js';
import { lockUserStreams } from '../stream-locks.js';
import { insertNotificationRows, notificationEntries } from './notifications.js';
import type {
  ConversationRecord,
  Draft,
  MemberRecord,
  NewConversation,
  NewMember,
  NotifyDraft,
  StoredEvent,
  SystemDraft,
} from '../store.js';
import { appendSystemMessage } from './system-messages.js';
import { type Db, type UniqueViolationOf, toConversation } from './rows.js';
import { insertMlsGroup } from './mls-groups.js';
import { readGrouped } from './hot-statements.js';

/** Conversations: creating, reading and renaming them, and which ones each user is in. The list as a member sees it: conversation-list.ts. */

export async function createConversation(
  db: Db,
  uniqueViolation: UniqueViolationOf,
  conversation: NewConversation,
  members: NewMember[],
  announce: (conversation: ConversationRecord, members: MemberRecord[]) => EventDraft,
  notify?: NotifyDraft,
): Promise<{ conversation: ConversationRecord; created: boolean; events: StoredEvent[] }> {
  const create = () =>
    db.transaction().execute(async (trx) => {
      if (conversation.directKey !== null) {
        const existing = await findDirect(trx, conversation.directKey);
        if (existing) return { conversation: existing, created: false, events: [] };
      }
      await trx
        .insertInto('conversations')
        .values({
          id: conversation.id,
          kind: conversation.kind,
          title: conversation.title,
          direct_key: conversation.directKey,
          created_by: conversation.createdBy,
          created_at: conversation.createdAt,
          last_seq: 0,
          last_activity_at: conversation.lastActivityAt,
          member_count: members.length,
          description: conversation.description ?? null,
          encrypted: conversation.mlsGroup ? 1 : 0,
        })
        .execute();
      // An encrypted conversation's MLS group, at epoch 0 until its creator's first commit (issue 39).
      if (conversation.mlsGroup) await insertMlsGroup(trx, { conversationId: conversation.id, ...conversation.mlsGroup });
      // Chunked so a 10,000-member group stays under SQLite's bound-parameter limit.
      for (let i = 0; i < members.length; i += 500) {
        await trx
          .insertInto('members')
          .values(
            members.slice(i, i + 500).map((m) => ({
              conversation_id: m.conversationId,
              user_id: m.userId,
              role: m.role,
              joined_at: m.joinedAt,
              read_seq: 0,
            })),
          )
          .execute();
      }
      const { mlsGroup, ...fields } = conversation;
      const record: ConversationRecord = {
        ...fields,
        lastSeq: 0,
        memberCount: members.length,
        lastPos: 0,
        encrypted: mlsGroup !== undefined,
      };
      const memberRecords = members.map((m): MemberRecord => ({ ...m, readSeq: 0, deliveredSeq: 0 }));
      // A new conversation's row is this transaction's alone: the notified users' streams are next, then the head.
      const streams = notify
        ? await lockUserStreams(
            trx,
            notify.notifications.map((n) => n.userId),
          )
        : new Map<string, number>();
      if (notify) await insertNotificationRows(trx, notify.notifications, notify.outbox);
      const events = await appendEvents(
        trx,
        new Map([[record.id, 0], ...streams]),
        [
          { conversationId: record.id, event: announce(record, memberRecords) },
          ...(notify ? notificationEntries(notify.notifications, notify.announce) : []),
        ],
        conversation.createdAt,
      );
      record.lastPos = events[0]!.pos;
      // Every first member reads the conversation from its creation on.
      await trx.updateTable('members').set({ joined_pos: record.lastPos }).where('conversation_id', '=', record.id).execute();
      return { conversation: record, created: true, events };
    });
  try {
    return await create();
  } catch (error) {
    // The pair's direct conversation was created concurrently (another node): that one it is.
    const existing =
      conversation.directKey !== null && uniqueViolation(error) !== undefined && (await findDirect(db, conversation.directKey));
    if (existing) return { conversation: existing, created: false, events: [] };
    throw error;
  }
}

export async function getConversation(db: Db, id: string): Promise<ConversationRecord | undefined> {
  const row = await db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toConversation(row);
}

export function updateConversationTitle(
  db: Db,
  id: string,
  title: string,
  announce: Draft<ConversationRecord>,
  system?: SystemDraft,
): Promise<{ conversation: ConversationRecord; events: StoredEvent[] } | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('conversations').set({ title }).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) return undefined;
    const conversation = toConversation(row);
    const now = Date.now();
    const recorded = system ? await appendSystemMessage(trx, id, system, now) : undefined;
    const events = await appendEvents(
      trx,
      new Map([[id, conversation.lastPos]]),
      [{ conversationId: id, event: announce(conversation) }, ...(recorded ? [recorded.entry] : [])],
      now,
    );
    if (recorded) {
      conversation.lastSeq = recorded.message.seq;
      conversation.lastActivityAt = now;
    }
    conversation.lastPos = events.at(-1)!.pos;
    return { conversation, events };
  });
}

/** Each user's conversation ids (a user in none is left out). */
export function listConversationIds(db: Db, userIds: readonly string[]): Promise<Map<string, string[]>> {
  return readGrouped(userIds, async (ids) =>
    (await db.selectFrom('members').select(['user_id', 'conversation_id']).where('user_id', 'in', ids).execute()).map((r) => [
      r.user_id,
      r.conversation_id,
    ]),
  );
}

async function findDirect(db: Db, directKey: string): Promise<ConversationRecord | undefined> {
  const row = await db.selectFrom('conversations').selectAll().where('direct_key', '=', directKey).executeTakeFirst();
  return row && toConversation(row);
}
