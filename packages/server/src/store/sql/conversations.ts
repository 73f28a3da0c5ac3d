import type { Selectable } from 'kysely';
import type { EventDraft, Role } from '@confab/protocol';
import type { Database } from '../schema.js';
import { appendEvents } from '../event-log.js';
import type {
  ConversationListRow,
  ConversationRecord,
  Draft,
  MemberRecord,
  MessageRecord,
  NewConversation,
  NewMember,
  StoredEvent,
} from '../store.js';
import { withQuotes } from './message-changes.js';
import { type Db, type UniqueViolationOf, toConversation, toMessage } from './rows.js';

/** Conversations: creating, renaming, and each member's view of them (the conversation list). */

export async function createConversation(
  db: Db,
  uniqueViolation: UniqueViolationOf,
  conversation: NewConversation,
  members: NewMember[],
  announce: (conversation: ConversationRecord, members: MemberRecord[]) => EventDraft,
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
        })
        .execute();
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
      const record: ConversationRecord = { ...conversation, lastSeq: 0, memberCount: members.length, lastPos: 0 };
      const memberRecords = members.map((m): MemberRecord => ({ ...m, readSeq: 0, deliveredSeq: 0 }));
      const events = await appendEvents(
        trx,
        new Map([[record.id, 0]]),
        [{ conversationId: record.id, event: announce(record, memberRecords) }],
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
): Promise<{ conversation: ConversationRecord; events: StoredEvent[] } | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('conversations').set({ title }).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) return undefined;
    const conversation = toConversation(row);
    const events = await appendEvents(
      trx,
      new Map([[id, conversation.lastPos]]),
      [{ conversationId: id, event: announce(conversation) }],
      Date.now(),
    );
    conversation.lastPos = events[0]!.pos;
    return { conversation, events };
  });
}

export async function listConversationIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('members').select('conversation_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.conversation_id);
}

export async function listConversations(
  db: Db,
  userId: string,
  page: { limit: number; after?: { activityAt: number; id: string } },
): Promise<ConversationListRow[]> {
  let query = conversationViewQuery(db, userId);
  if (page.after) {
    const { activityAt, id } = page.after;
    query = query.where((eb) =>
      eb.or([eb('c.last_activity_at', '<', activityAt), eb.and([eb('c.last_activity_at', '=', activityAt), eb('c.id', '<', id)])]),
    );
  }
  const rows = await query.orderBy('c.last_activity_at', 'desc').orderBy('c.id', 'desc').limit(page.limit).execute();
  return withLastMessages(db, userId, rows);
}

export async function getConversationView(db: Db, userId: string, conversationId: string): Promise<ConversationListRow | undefined> {
  const rows = await conversationViewQuery(db, userId).where('c.id', '=', conversationId).execute();
  return (await withLastMessages(db, userId, rows))[0];
}

/** The user's conversations with their membership, unread count and (for a DM) the peer. */
function conversationViewQuery(db: Db, userId: string) {
  return db
    .selectFrom('members as me')
    .innerJoin('conversations as c', 'c.id', 'me.conversation_id')
    .selectAll('c')
    .select(['me.role as my_role', 'me.joined_at as my_joined_at', 'me.read_seq as my_read_seq', 'me.delivered_seq as my_delivered_seq'])
    .select((eb) => [
      eb
        .selectFrom('messages as m')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('m.conversation_id', '=', 'c.id')
        .whereRef('m.seq', '>', 'me.read_seq')
        .where('m.sender_id', '<>', userId)
        .as('unread_count'),
      eb
        .selectFrom('members as peer')
        .select('peer.user_id')
        .whereRef('peer.conversation_id', '=', 'c.id')
        .where('peer.user_id', '<>', userId)
        .where('c.kind', '=', 'direct')
        .limit(1)
        .as('peer_id'),
    ])
    .where('me.user_id', '=', userId);
}

type ConversationViewRow = Selectable<Database['conversations']> & {
  my_role: Role;
  my_joined_at: number;
  my_read_seq: number;
  my_delivered_seq: number;
  unread_count: number | null;
  peer_id: string | null;
};

/** Completes the rows with each conversation's last message, fetched in one query. */
async function withLastMessages(db: Db, userId: string, rows: ConversationViewRow[]): Promise<ConversationListRow[]> {
  const wanted = rows.filter((r) => Number(r.last_seq) > 0);
  const lastMessages = new Map<string, MessageRecord>();
  if (wanted.length > 0) {
    const messages = await db
      .selectFrom('messages')
      .selectAll()
      .where((eb) => eb.or(wanted.map((r) => eb.and([eb('conversation_id', '=', r.id), eb('seq', '=', r.last_seq)]))))
      .execute();
    for (const m of await withQuotes(db, messages.map(toMessage))) lastMessages.set(m.conversationId, m);
  }
  return rows.map((r) => ({
    conversation: toConversation(r),
    member: {
      conversationId: r.id,
      userId,
      role: r.my_role,
      joinedAt: Number(r.my_joined_at),
      readSeq: Number(r.my_read_seq),
      deliveredSeq: Number(r.my_delivered_seq),
    },
    lastMessage: lastMessages.get(r.id) ?? null,
    unreadCount: Number(r.unread_count ?? 0),
    peerId: r.peer_id,
  }));
}

async function findDirect(db: Db, directKey: string): Promise<ConversationRecord | undefined> {
  const row = await db.selectFrom('conversations').selectAll().where('direct_key', '=', directKey).executeTakeFirst();
  return row && toConversation(row);
}
