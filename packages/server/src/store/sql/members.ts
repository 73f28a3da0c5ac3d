import { type EventDraft, type Role, usernameKey } from '@confab/protocol';
import { appendEvents } from '../event-log.js';
import { lockConversations, lockUserStreams } from '../stream-locks.js';
import { insertNotificationRows, notificationEntries } from './notifications.js';
import type { ChangeExtras, ConversationRecord, Draft, MemberRecord, NewMember, StoredEvent, SystemDraft } from '../store.js';
import { appendSystemMessage } from './system-messages.js';
import { type Db, toConversation, toMember } from './rows.js';

/** Members of a conversation: joining, leaving, roles. */

export async function getMember(db: Db, conversationId: string, userId: string): Promise<MemberRecord | undefined> {
  const row = await db
    .selectFrom('members')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row && toMember(row);
}

export async function listMembers(db: Db, conversationId: string): Promise<MemberRecord[]> {
  const rows = await db
    .selectFrom('members')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('joined_at')
    .orderBy('user_id')
    .execute();
  return rows.map(toMember);
}

/** Throws the engine's unique violation when already a member. */
export function addMember(
  db: Db,
  member: NewMember,
  announce: (member: MemberRecord, conversation: ConversationRecord) => EventDraft,
  also: ChangeExtras = {},
): Promise<{ member: MemberRecord; events: StoredEvent[] }> {
  const { notify, system } = also;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('conversations')
      .set((eb) => ({ member_count: eb('member_count', '+', 1) }))
      .where('id', '=', member.conversationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('members')
      .values({
        conversation_id: member.conversationId,
        user_id: member.userId,
        role: member.role,
        joined_at: member.joinedAt,
        read_seq: 0,
      })
      .execute();
    const conversation = toConversation(row);
    const record: MemberRecord = { ...member, readSeq: 0, deliveredSeq: 0 };
    const recorded = system ? await appendSystemMessage(trx, member.conversationId, system, member.joinedAt) : undefined;
    // The notifications' streams are locked after the conversation row, before the head.
    const streams = notify
      ? await lockUserStreams(
          trx,
          notify.notifications.map((n) => n.userId),
        )
      : new Map<string, number>();
    if (notify) await insertNotificationRows(trx, notify.notifications, notify.outbox);
    const events = await appendEvents(
      trx,
      new Map([[member.conversationId, conversation.lastPos], ...streams]),
      [
        { conversationId: member.conversationId, subjectUserId: member.userId, event: announce(record, conversation) },
        ...(recorded ? [recorded.entry] : []),
        ...(notify ? notificationEntries(notify.notifications, notify.announce) : []),
      ],
      member.joinedAt,
    );
    // The new member reads the conversation from the event that made them one.
    await trx
      .updateTable('members')
      .set({ joined_pos: events[0]!.pos })
      .where('conversation_id', '=', member.conversationId)
      .where('user_id', '=', member.userId)
      .execute();
    return { member: record, events };
  });
}

export function removeMember(
  db: Db,
  conversationId: string,
  userId: string,
  announce: EventDraft,
  system?: SystemDraft,
): Promise<{ events: StoredEvent[] } | undefined> {
  return db.transaction().execute(async (trx) => {
    const lastPos = await lockConversations(trx, [conversationId]);
    const result = await trx
      .deleteFrom('members')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) return undefined;
    await trx
      .updateTable('conversations')
      .set((eb) => ({ member_count: eb('member_count', '-', 1) }))
      .where('id', '=', conversationId)
      .execute();
    const now = Date.now();
    // After the removal: the removed user does not read the system message about it.
    const recorded = system ? await appendSystemMessage(trx, conversationId, system, now) : undefined;
    // The removed user reads this event as its subject: they are no longer a member.
    const events = await appendEvents(
      trx,
      lastPos,
      [{ conversationId, subjectUserId: userId, event: announce }, ...(recorded ? [recorded.entry] : [])],
      now,
    );
    return { events };
  });
}

export function setRoles(
  db: Db,
  conversationId: string,
  changes: { userId: string; role: Role }[],
  announce: Draft<MemberRecord>,
): Promise<{ members: MemberRecord[]; events: StoredEvent[] }> {
  return db.transaction().execute(async (trx) => {
    const lastPos = await lockConversations(trx, [conversationId]);
    const members: MemberRecord[] = [];
    for (const { userId, role } of changes) {
      await trx.updateTable('members').set({ role }).where('conversation_id', '=', conversationId).where('user_id', '=', userId).execute();
      const row = await trx
        .selectFrom('members')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (row) members.push(toMember(row));
    }
    const events = await appendEvents(
      trx,
      lastPos,
      members.map((member) => ({ conversationId, event: announce(member) })),
      Date.now(),
    );
    return { members, events };
  });
}

export async function sharesConversation(db: Db, userId: string, otherId: string): Promise<boolean> {
  const row = await db
    .selectFrom('members as mine')
    .innerJoin('members as other', 'other.conversation_id', 'mine.conversation_id')
    .select('mine.conversation_id')
    .where('mine.user_id', '=', userId)
    .where('other.user_id', '=', otherId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Members of the conversation among `usernames` (compared ignoring case): username key (usernameKey) → user id. */
export async function findMembersByUsername(db: Db, conversationId: string, usernames: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const lowered = [...new Set(usernames.map(usernameKey))];
  for (let i = 0; i < lowered.length; i += 500) {
    const rows = await db
      .selectFrom('members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.username_lower', 'u.id'])
      .where('m.conversation_id', '=', conversationId)
      .where('u.username_lower', 'in', lowered.slice(i, i + 500))
      .execute();
    for (const row of rows) found.set(row.username_lower, row.id);
  }
  return found;
}
