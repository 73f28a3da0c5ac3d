import type { ExpressionBuilder, Selectable } from 'kysely';
import type { EventDraft, Role } from '@confab/protocol';
import type { Database } from '../schema.js';
import { appendEvents } from '../event-log.js';
import { lockUserStreams } from '../stream-locks.js';
import { insertNotificationRows, notificationEntries } from './notifications.js';
import type {
  ArchivedFilter,
  ConversationListRow,
  ConversationRecord,
  Draft,
  MemberRecord,
  MessageRecord,
  NewConversation,
  NewMember,
  NotifyDraft,
  StoredEvent,
  SystemDraft,
} from '../store.js';
import { appendSystemMessage } from './system-messages.js';
import { withQuotes } from './message-changes.js';
import { type Db, type UniqueViolationOf, toConversation, toMessage } from './rows.js';
import { hasUnreadReply } from './threads.js';
import { isUnreadFor } from './unread.js';
import { insertMlsGroup } from './mls-groups.js';
import { readGrouped } from './hot-statements.js';

/** Conversations: creating, renaming, and each member's view of them (the conversation list). */

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

export async function listConversations(
  db: Db,
  userId: string,
  page: { limit: number; after?: { activityAt: number; id: string }; archived?: ArchivedFilter },
): Promise<ConversationListRow[]> {
  let query = conversationViewQuery(db, userId);
  // Archived: archived_seq set and no message since (a new message un-archives).
  const archived = (eb: ExpressionBuilder<ViewTables, 'me' | 'c'>) =>
    eb.and([eb('me.archived_seq', 'is not', null), eb('c.last_seq', '<=', eb.ref('me.archived_seq'))]);
  if ((page.archived ?? 'exclude') === 'exclude') query = query.where((eb) => eb.not(archived(eb)));
  if (page.archived === 'only') query = query.where(archived);
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
    .select(['me.muted as my_muted', 'me.starred as my_starred', 'me.archived_seq as my_archived_seq', 'me.cleared_seq as my_cleared_seq'])
    .select((eb) => [
      eb
        .selectFrom('messages as m')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('m.conversation_id', '=', 'c.id')
        .where((e) => isUnreadFor(e, userId))
        .as('unread_count'),
      // Thread read state (issue 35 item 2): the threads I follow with replies I have not read.
      eb
        .selectFrom('thread_reads as t')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('t.conversation_id', '=', 'c.id')
        .where('t.user_id', '=', userId)
        .where('t.following', '=', 1)
        .where((e) => hasUnreadReply(e, userId))
        .as('unread_threads'),
      // Mentions of me after my read marker (and what I cleared), from the per-user mention rows.
      eb
        .selectFrom('message_mentions as mm')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('mm.conversation_id', '=', 'c.id')
        .where('mm.user_id', '=', userId)
        .whereRef('mm.seq', '>', 'me.read_seq')
        .whereRef('mm.seq', '>', 'me.cleared_seq')
        .as('mention_count'),
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

type ViewTables = Database & { me: Database['members']; c: Database['conversations'] };

type ConversationViewRow = Selectable<Database['conversations']> & {
  my_role: Role;
  my_joined_at: number;
  my_read_seq: number;
  my_delivered_seq: number;
  my_muted: number;
  my_starred: number;
  my_archived_seq: number | null;
  my_cleared_seq: number;
  unread_count: number | null;
  mention_count: number | null;
  unread_threads: number | null;
  peer_id: string | null;
};

/** Completes the rows with each conversation's last message, fetched in one query. */
async function withLastMessages(db: Db, userId: string, rows: ConversationViewRow[]): Promise<ConversationListRow[]> {
  // What I cleared has no last message for me.
  const wanted = rows.filter((r) => Number(r.last_seq) > Number(r.my_cleared_seq));
  const lastMessages = new Map<string, MessageRecord>();
  if (wanted.length > 0) {
    const newest = await db
      .selectFrom('messages')
      .selectAll()
      .where((eb) => eb.or(wanted.map((r) => eb.and([eb('conversation_id', '=', r.id), eb('seq', '=', r.last_seq)]))))
      .execute();
    // An MLS commit or welcome is not what a list shows (issue 39): the newest message before it that is.
    const hidden = new Set(newest.filter((m) => Number(m.shown) === 0).map((m) => m.conversation_id));
    const earlier = await Promise.all(
      wanted.filter((r) => hidden.has(r.id)).map((r) => newestShown(db, r.id, Number(r.my_cleared_seq), Number(r.last_seq))),
    );
    const messages = [...newest.filter((m) => !hidden.has(m.conversation_id)), ...earlier.flatMap((m) => (m ? [m] : []))];
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
    mentionCount: Number(r.mention_count ?? 0),
    unreadThreads: Number(r.unread_threads ?? 0),
    peerId: r.peer_id,
    settings: {
      muted: Number(r.my_muted) === 1,
      starred: Number(r.my_starred) === 1,
      archived: r.my_archived_seq !== null && Number(r.last_seq) <= Number(r.my_archived_seq),
      clearedSeq: Number(r.my_cleared_seq),
    },
  }));
}

/** The conversation's newest message people read (not an MLS commit or welcome) between `after` and `before`. */
function newestShown(db: Db, conversationId: string, after: number, before: number) {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('seq', '>', after)
    .where('seq', '<', before)
    .where('shown', '=', 1)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

async function findDirect(db: Db, directKey: string): Promise<ConversationRecord | undefined> {
  const row = await db.selectFrom('conversations').selectAll().where('direct_key', '=', directKey).executeTakeFirst();
  return row && toConversation(row);
}
