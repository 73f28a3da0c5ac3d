import type { ExpressionBuilder, Selectable } from 'kysely';
import type { Role } from '@confab/protocol';
import type { Database } from '../schema.js';
import type { ArchivedFilter, ConversationListRow, MessageRecord } from '../store.js';
import { withQuotes } from './message-changes.js';
import { type Db, toConversation, toMessage } from './rows.js';
import { hasUnreadReply } from './threads.js';
import { isUnreadFor } from './unread.js';

/**
 * Each member's view of their conversations (the conversation list): membership, settings, unread
 * and mention counts, followed threads with unread replies, the DM's peer and the last message.
 */

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
