import { type Kysely, type Migration, Migrator, type Selectable, type Updateable, sql } from 'kysely';
import type { Role } from '@confab/protocol';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations.js';
import * as eventLog from './event-log.js';
import { appendEvents, lockConversations } from './event-log.js';
import { conversationInfoView, memberView, messageView } from '../services/views.js';
import {
  type AppendResult,
  type ConversationListRow,
  type ConversationRecord,
  type MemberRecord,
  type MessageRecord,
  type NewConversation,
  type NewMember,
  type NewMessage,
  type NewUser,
  type ReceiptRecord,
  type RecentFilter,
  type RotateResult,
  type SessionRecord,
  type Store,
  type StoredEvent,
  type StreamHead,
  type UserPatch,
  type UserRecord,
  UniqueViolation,
} from './store.js';

/** What an engine adds to the shared query layer: its Kysely instance and how it reports errors. */
export interface Dialect {
  engine: Store['engine'];
  db: Kysely<Database>;
  /** The constraint name when `error` is a unique-constraint violation, else undefined. */
  uniqueViolation(error: unknown): string | undefined;
  /** Migrations only this engine runs (DDL that cannot be portable), merged by name into the shared list. */
  migrations?: Record<string, Migration>;
  /** The schema the Migrator keeps its own tables in, for engines that have schemas. */
  migrationTableSchema?(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The Store over Kysely, shared by every engine: portable queries only. Anything an engine does
 * differently lives in its Dialect (store/sqlite/, store/postgres/).
 */
export class SqlStore implements Store {
  readonly engine: Store['engine'];
  private readonly db: Kysely<Database>;

  constructor(private readonly dialect: Dialect) {
    this.engine = dialect.engine;
    this.db = dialect.db;
  }

  async migrate(): Promise<void> {
    const shared = await migrationProvider.getMigrations();
    const migrator = new Migrator({
      db: this.db,
      provider: { getMigrations: async () => ({ ...shared, ...this.dialect.migrations }) },
      migrationTableSchema: await this.dialect.migrationTableSchema?.(),
    });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error) throw new Error(`migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  close(): Promise<void> {
    return this.dialect.close();
  }

  // ---- users ----

  async insertUser(user: NewUser): Promise<UserRecord> {
    await this.unique(() =>
      this.db
        .insertInto('users')
        .values({
          id: user.id,
          username: user.username,
          username_lower: user.username.toLowerCase(),
          display_name: user.displayName,
          bio: user.bio,
          email: user.email,
          is_admin: user.isAdmin ? 1 : 0,
          password_hash: user.passwordHash,
          created_at: user.createdAt,
        })
        .execute(),
    );
    return { ...user, hideLastSeen: user.hideLastSeen ?? false, lastSeenAt: user.lastSeenAt ?? null };
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async getUserByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username_lower', '=', username.toLowerCase())
      .executeTakeFirst();
    return row && toUser(row);
  }

  async getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
    return rows.map(toUser);
  }

  async searchUsers({ q, limit, afterUsername }: { q?: string; limit: number; afterUsername?: string }): Promise<UserRecord[]> {
    let query = this.db.selectFrom('users').selectAll();
    if (q !== undefined && q.trim() !== '') {
      const needle = q.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
      query = query.where((eb) =>
        eb.or([
          eb(sql`username_lower`, 'like', sql`${`${needle}%`} escape '\\'`),
          eb(sql`lower(display_name)`, 'like', sql`${`%${needle}%`} escape '\\'`),
        ]),
      );
    }
    if (afterUsername !== undefined) query = query.where('username_lower', '>', afterUsername.toLowerCase());
    const rows = await query.orderBy('username_lower').limit(limit).execute();
    return rows.map(toUser);
  }

  async updateUser(id: string, patch: UserPatch): Promise<UserRecord | undefined> {
    const values: Updateable<Database['users']> = {};
    if (patch.displayName !== undefined) values.display_name = patch.displayName;
    if (patch.bio !== undefined) values.bio = patch.bio;
    if (patch.isAdmin !== undefined) values.is_admin = patch.isAdmin ? 1 : 0;
    if (patch.hideLastSeen !== undefined) values.hide_last_seen = patch.hideLastSeen ? 1 : 0;
    if (Object.keys(values).length > 0) await this.db.updateTable('users').set(values).where('id', '=', id).execute();
    return this.getUser(id);
  }

  // ---- sessions ----

  async createSession(session: SessionRecord, refreshTokenHash: string, refreshExpiresAt: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('sessions')
        .values({ id: session.id, user_id: session.userId, created_at: session.createdAt, revoked_at: session.revokedAt })
        .execute();
      await trx
        .insertInto('refresh_tokens')
        .values({ token_hash: refreshTokenHash, session_id: session.id, expires_at: refreshExpiresAt, spent_at: null })
        .execute();
    });
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSession(row);
  }

  rotateRefreshToken({ oldHash, newHash, now, expiresAt }: { oldHash: string; newHash: string; now: number; expiresAt: number }): Promise<RotateResult> {
    return this.db.transaction().execute(async (trx): Promise<RotateResult> => {
      const token = await trx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', oldHash).executeTakeFirst();
      if (!token) return { status: 'invalid' };
      const sessionRow = await trx.selectFrom('sessions').selectAll().where('id', '=', token.session_id).executeTakeFirst();
      if (!sessionRow || sessionRow.revoked_at !== null) return { status: 'invalid' };
      const session = toSession(sessionRow);
      if (token.spent_at !== null) {
        // Replay of a spent token: someone else holds this session's tokens. End it.
        await trx.updateTable('sessions').set({ revoked_at: now }).where('id', '=', session.id).execute();
        return { status: 'reused', session: { ...session, revokedAt: now } };
      }
      if (token.expires_at <= now) return { status: 'invalid' };
      // Spend it only if nobody spent it concurrently (the WHERE makes this a compare-and-set).
      const spent = await trx
        .updateTable('refresh_tokens')
        .set({ spent_at: now })
        .where('token_hash', '=', oldHash)
        .where('spent_at', 'is', null)
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) {
        await trx.updateTable('sessions').set({ revoked_at: now }).where('id', '=', session.id).execute();
        return { status: 'reused', session: { ...session, revokedAt: now } };
      }
      await trx
        .insertInto('refresh_tokens')
        .values({ token_hash: newHash, session_id: session.id, expires_at: expiresAt, spent_at: null })
        .execute();
      return { status: 'rotated', session };
    });
  }

  async revokeSession(sessionId: string, now: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  // ---- conversations ----

  async createConversation(
    conversation: NewConversation,
    members: NewMember[],
  ): Promise<{ conversation: ConversationRecord; created: boolean; events: StoredEvent[] }> {
    const create = () => this.db.transaction().execute(async (trx) => {
      if (conversation.directKey !== null) {
        const existing = await this.findDirect(trx, conversation.directKey);
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
      const events = await appendEvents(
        trx,
        new Map([[record.id, 0]]),
        [
          {
            conversationId: record.id,
            event: {
              type: 'conversation.created',
              conversation: conversationInfoView(record),
              members: members.map((m) => memberView({ ...m, readSeq: 0, deliveredSeq: 0 })),
            },
          },
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
      const existing = conversation.directKey !== null && this.dialect.uniqueViolation(error) !== undefined && (await this.findDirect(this.db, conversation.directKey));
      if (existing) return { conversation: existing, created: false, events: [] };
      throw error;
    }
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    const row = await this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toConversation(row);
  }

  updateConversationTitle(id: string, title: string, by: string): Promise<{ conversation: ConversationRecord; events: StoredEvent[] } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.updateTable('conversations').set({ title }).where('id', '=', id).returningAll().executeTakeFirst();
      if (!row) return undefined;
      const conversation = toConversation(row);
      const events = await appendEvents(
        trx,
        new Map([[id, conversation.lastPos]]),
        [{ conversationId: id, event: { type: 'conversation.updated', conversation: conversationInfoView(conversation), by } }],
        Date.now(),
      );
      conversation.lastPos = events[0]!.pos;
      return { conversation, events };
    });
  }


  async getMember(conversationId: string, userId: string): Promise<MemberRecord | undefined> {
    const row = await this.db
      .selectFrom('members')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && toMember(row);
  }

  async listMembers(conversationId: string): Promise<MemberRecord[]> {
    const rows = await this.db
      .selectFrom('members')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('joined_at')
      .orderBy('user_id')
      .execute();
    return rows.map(toMember);
  }

  async listConversationIds(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('members').select('conversation_id').where('user_id', '=', userId).execute();
    return rows.map((r) => r.conversation_id);
  }

  async listConversations(userId: string, page: { limit: number; after?: { activityAt: number; id: string } }): Promise<ConversationListRow[]> {
    let query = this.conversationViewQuery(userId);
    if (page.after) {
      const { activityAt, id } = page.after;
      query = query.where((eb) =>
        eb.or([
          eb('c.last_activity_at', '<', activityAt),
          eb.and([eb('c.last_activity_at', '=', activityAt), eb('c.id', '<', id)]),
        ]),
      );
    }
    const rows = await query.orderBy('c.last_activity_at', 'desc').orderBy('c.id', 'desc').limit(page.limit).execute();
    return this.withLastMessages(userId, rows);
  }

  async getConversationView(userId: string, conversationId: string): Promise<ConversationListRow | undefined> {
    const rows = await this.conversationViewQuery(userId).where('c.id', '=', conversationId).execute();
    return (await this.withLastMessages(userId, rows))[0];
  }

  async addMember(member: NewMember, by: string): Promise<{ member: MemberRecord; events: StoredEvent[] }> {
    return this.unique(() =>
      this.db.transaction().execute(async (trx) => {
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
        const events = await appendEvents(
          trx,
          new Map([[member.conversationId, conversation.lastPos]]),
          [
            {
              conversationId: member.conversationId,
              subjectUserId: member.userId,
              event: {
                type: 'member.added',
                conversationId: member.conversationId,
                member: memberView(record),
                conversation: conversationInfoView(conversation),
                by,
              },
            },
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
      }),
    );
  }

  removeMember(conversationId: string, userId: string, by: string): Promise<{ events: StoredEvent[] } | undefined> {
    return this.db.transaction().execute(async (trx) => {
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
      // The removed user reads this event as its subject: they are no longer a member.
      const events = await appendEvents(
        trx,
        lastPos,
        [{ conversationId, subjectUserId: userId, event: { type: 'member.removed', conversationId, userId, by } }],
        Date.now(),
      );
      return { events };
    });
  }

  async setRoles(conversationId: string, changes: { userId: string; role: Role }[], by: string): Promise<{ members: MemberRecord[]; events: StoredEvent[] }> {
    return this.db.transaction().execute(async (trx) => {
      const lastPos = await lockConversations(trx, [conversationId]);
      const members: MemberRecord[] = [];
      for (const { userId, role } of changes) {
        await trx
          .updateTable('members')
          .set({ role })
          .where('conversation_id', '=', conversationId)
          .where('user_id', '=', userId)
          .execute();
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
        members.map((member) => ({
          conversationId,
          event: { type: 'member.updated' as const, conversationId, member: memberView(member), by },
        })),
        Date.now(),
      );
      return { members, events };
    });
  }

  // ---- messages ----

  async appendMessages(batch: readonly NewMessage[]): Promise<{ results: AppendResult[]; events: StoredEvent[] }> {
    try {
      return await this.appendOnce(batch);
    } catch (error) {
      // Another node stored one of these (sender, clientId) pairs after our idempotency read:
      // the unique index refused the duplicate, and a second pass finds the stored message.
      if (this.dialect.uniqueViolation(error) === undefined) throw error;
      return this.appendOnce(batch);
    }
  }

  private appendOnce(batch: readonly NewMessage[]): Promise<{ results: AppendResult[]; events: StoredEvent[] }> {
    return this.db.transaction().execute(async (trx) => {
      const results: (AppendResult | undefined)[] = new Array(batch.length);

      // 1. Idempotency: (sender, clientId) pairs already stored answer with the stored message.
      const stored = new Map<string, MessageRecord>();
      // Both columns, so the lookup searches the (sender_id, client_id) index instead of scanning
      // every message; pairs of one sender's id and another's clientId are filtered out by key.
      const senderIds = [...new Set(batch.map((m) => m.senderId))];
      const clientIds = [...new Set(batch.map((m) => m.clientId))];
      for (let i = 0; i < clientIds.length; i += 400) {
        const rows = await trx
          .selectFrom('messages')
          .selectAll()
          .where('sender_id', 'in', senderIds)
          .where('client_id', 'in', clientIds.slice(i, i + 400))
          .execute();
        for (const row of rows) stored.set(idempotencyKey(row.sender_id, row.client_id), toMessage(row));
      }

      // 2. The rest are new, except repeats within this batch, which share the first one's row.
      const fresh: { index: number; message: NewMessage }[] = [];
      const firstInBatch = new Map<string, number>();
      const repeats: { index: number; of: number }[] = [];
      batch.forEach((message, index) => {
        const key = idempotencyKey(message.senderId, message.clientId);
        const existing = stored.get(key);
        if (existing) results[index] = { message: existing, created: false };
        else if (firstInBatch.has(key)) repeats.push({ index, of: firstInBatch.get(key)! });
        else {
          firstInBatch.set(key, index);
          fresh.push({ index, message });
        }
      });

      if (fresh.length === 0) {
        for (const { index, of } of repeats) results[index] = results[of];
        return { results: results as AppendResult[], events: [] };
      }
      const lastPos = new Map<string, number>();

      // 3. Reserve each conversation's seqs with one UPDATE (it also serialises concurrent writers).
      const perConversation = new Map<string, { index: number; message: NewMessage }[]>();
      for (const entry of fresh) {
        const list = perConversation.get(entry.message.conversationId) ?? [];
        list.push(entry);
        perConversation.set(entry.message.conversationId, list);
      }
      const rows: Database['messages'][] = [];
      // Conversations in id order: concurrent batches (other nodes) lock their rows in one order.
      const byId = [...perConversation].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [conversationId, entries] of byId) {
        const lastCreatedAt = Math.max(...entries.map((e) => e.message.createdAt));
        const updated = await trx
          .updateTable('conversations')
          .set((eb) => ({
            last_seq: eb('last_seq', '+', entries.length),
            last_activity_at: sql<number>`case when last_activity_at > ${lastCreatedAt} then last_activity_at else ${lastCreatedAt} end`,
          }))
          .where('id', '=', conversationId)
          .returning(['last_seq', 'last_pos'])
          .executeTakeFirstOrThrow();
        lastPos.set(conversationId, Number(updated.last_pos));
        let seq = Number(updated.last_seq) - entries.length;
        const lastSeqBySender = new Map<string, number>();
        for (const { index, message } of entries) {
          seq += 1;
          const record: MessageRecord = { ...message, seq };
          results[index] = { message: record, created: true };
          lastSeqBySender.set(message.senderId, seq);
          rows.push({
            id: record.id,
            conversation_id: record.conversationId,
            seq,
            sender_id: record.senderId,
            client_id: record.clientId,
            body: record.body,
            created_at: record.createdAt,
          });
        }
        // A sender has read their own conversation up to what they just sent.
        for (const [senderId, lastSeq] of lastSeqBySender) {
          await trx
            .updateTable('members')
            .set({ read_seq: lastSeq })
            .where('conversation_id', '=', conversationId)
            .where('user_id', '=', senderId)
            .where('read_seq', '<', lastSeq)
            .execute();
        }
      }
      for (let i = 0; i < rows.length; i += 500) {
        await trx.insertInto('messages').values(rows.slice(i, i + 500)).execute();
      }
      for (const { index, of } of repeats) results[index] = { message: results[of]!.message, created: false };
      // Logged per conversation in seq order, the order the messages were numbered in.
      const created = fresh.map((f) => results[f.index]!.message);
      const events = await appendEvents(
        trx,
        lastPos,
        created.map((message) => ({ conversationId: message.conversationId, event: { type: 'message.created', message: messageView(message) } })),
        Math.max(...created.map((m) => m.createdAt)),
      );
      return { results: results as AppendResult[], events };
    });
  }

  async listMessages(conversationId: string, page: { limit: number; before?: number; after?: number }): Promise<MessageRecord[]> {
    let query = this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
    if (page.before !== undefined) query = query.where('seq', '<', page.before);
    if (page.after !== undefined) query = query.where('seq', '>', page.after);
    const rows = await query
      .orderBy('seq', page.after !== undefined ? 'asc' : 'desc')
      .limit(page.limit)
      .execute();
    return rows.map(toMessage);
  }

  async listRecentMessages(userId: string, filter: RecentFilter): Promise<MessageRecord[]> {
    let query = this.db
      .selectFrom('messages as m')
      .innerJoin('members as me', (join) => join.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', userId))
      .selectAll('m');
    if (filter.sender !== undefined) query = query.where('m.sender_id', '=', filter.sender);
    if (filter.recipient !== undefined) {
      const recipient = filter.recipient;
      query = query.where('m.sender_id', '<>', recipient).where((eb) =>
        eb.exists(
          eb
            .selectFrom('members as r')
            .select('r.user_id')
            .whereRef('r.conversation_id', '=', 'm.conversation_id')
            .where('r.user_id', '=', recipient),
        ),
      );
    }
    if (filter.isRead === true) query = query.whereRef('m.seq', '<=', 'me.read_seq');
    if (filter.isRead === false) query = query.whereRef('m.seq', '>', 'me.read_seq');
    if (filter.beforeId !== undefined) query = query.where('m.id', '<', filter.beforeId);
    const rows = await query.orderBy('m.id', 'desc').limit(filter.limit).execute();
    return rows.map(toMessage);
  }

  advanceReadMarker(conversationId: string, userId: string, seq: number): Promise<{ readSeq: number; unreadCount: number; events: StoredEvent[] }> {
    return this.db.transaction().execute(async (trx) => {
      // The conversation row first (lock order: conversations, then the log's head).
      const conversation = await trx
        .updateTable('conversations')
        .set((eb) => ({ last_pos: eb.ref('last_pos') }))
        .where('id', '=', conversationId)
        .returning(['last_seq', 'last_pos'])
        .executeTakeFirstOrThrow();
      const target = Math.min(seq, Number(conversation.last_seq));
      const moved = await trx
        .updateTable('members')
        .set({ read_seq: target })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .where('read_seq', '<', target)
        .executeTakeFirst();
      const member = await trx
        .selectFrom('members')
        .select('read_seq')
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      const readSeq = Number(member.read_seq);
      const unreadCount = await countUnreadIn(trx, conversationId, userId);
      if (Number(moved.numUpdatedRows) === 0) return { readSeq, unreadCount, events: [] };
      const events = await appendEvents(
        trx,
        new Map([[conversationId, Number(conversation.last_pos)]]),
        [{ conversationId, event: { type: 'read.updated', conversationId, userId, readSeq, unreadCount } }],
        Date.now(),
      );
      return { readSeq, unreadCount, events };
    });
  }

  async advanceDeliveredMarker(conversationId: string, userId: string, seq: number): Promise<{ deliveredSeq: number; moved: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const conversation = await trx.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirstOrThrow();
      const target = Math.min(seq, Number(conversation.last_seq));
      const moved = await trx
        .updateTable('members')
        .set({ delivered_seq: target })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .where('delivered_seq', '<', target)
        .executeTakeFirst();
      const member = await trx
        .selectFrom('members')
        .select('delivered_seq')
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return { deliveredSeq: Number(member.delivered_seq), moved: Number(moved.numUpdatedRows) > 0 };
    });
  }

  async countUnreadTotal(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('messages as m')
      .innerJoin('members as me', (join) => join.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', userId))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .whereRef('m.seq', '>', 'me.read_seq')
      .where('m.sender_id', '<>', userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // ---- event log (queries in event-log.ts) ----

  streamHead(): Promise<StreamHead> {
    return eventLog.streamHead(this.db);
  }

  readUserEvents(userId: string, after: number, limit: number): Promise<StoredEvent[]> {
    return eventLog.readUserEvents(this.db, userId, after, limit);
  }

  readConversationEvents(conversationId: string, after: number, limit: number): Promise<StoredEvent[]> {
    return eventLog.readConversationEvents(this.db, conversationId, after, limit);
  }

  conversationHeadsBetween(after: number, upTo: number): Promise<Map<string, number>> {
    return eventLog.conversationHeadsBetween(this.db, after, upTo);
  }

  conversationHeads(userId: string): Promise<Map<string, number>> {
    return eventLog.conversationHeads(this.db, userId);
  }

  pruneEvents(before: number): Promise<number> {
    return this.db.transaction().execute((trx) => eventLog.pruneEvents(trx, before));
  }

  // ---- receipts and presence ----

  async listReceipts(conversationId: string): Promise<ReceiptRecord[]> {
    const rows = await this.db
      .selectFrom('members')
      .select(['user_id', 'read_seq', 'delivered_seq'])
      .where('conversation_id', '=', conversationId)
      .orderBy('user_id')
      .execute();
    // What a member has read has reached one of their devices.
    return rows.map((r) => ({
      userId: r.user_id,
      readSeq: Number(r.read_seq),
      deliveredSeq: Math.max(Number(r.delivered_seq), Number(r.read_seq)),
    }));
  }

  async sharesConversation(userId: string, otherId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('members as mine')
      .innerJoin('members as other', 'other.conversation_id', 'mine.conversation_id')
      .select('mine.conversation_id')
      .where('mine.user_id', '=', userId)
      .where('other.user_id', '=', otherId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async setLastSeen(userId: string, at: number): Promise<void> {
    await this.db.updateTable('users').set({ last_seen_at: at }).where('id', '=', userId).execute();
  }

  // ---- helpers ----

  private conversationViewQuery(userId: string) {
    return this.db
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

  private async withLastMessages(
    userId: string,
    rows: (Selectable<Database['conversations']> & {
      my_role: Role;
      my_joined_at: number;
      my_read_seq: number;
      my_delivered_seq: number;
      unread_count: number | null;
      peer_id: string | null;
    })[],
  ): Promise<ConversationListRow[]> {
    const wanted = rows.filter((r) => Number(r.last_seq) > 0);
    const lastMessages = new Map<string, MessageRecord>();
    if (wanted.length > 0) {
      const messages = await this.db
        .selectFrom('messages')
        .selectAll()
        .where((eb) => eb.or(wanted.map((r) => eb.and([eb('conversation_id', '=', r.id), eb('seq', '=', r.last_seq)]))))
        .execute();
      for (const m of messages) lastMessages.set(m.conversation_id, toMessage(m));
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

  private async findDirect(trx: Kysely<Database>, directKey: string): Promise<ConversationRecord | undefined> {
    const row = await trx.selectFrom('conversations').selectAll().where('direct_key', '=', directKey).executeTakeFirst();
    return row && toConversation(row);
  }

  /** Runs a write, turning the engine's unique-violation error into UniqueViolation. */
  private async unique<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const constraint = this.dialect.uniqueViolation(error);
      if (constraint !== undefined) throw new UniqueViolation(constraint, error);
      throw error;
    }
  }
}

async function countUnreadIn(db: Kysely<Database>, conversationId: string, userId: string): Promise<number> {
  const row = await db
    .selectFrom('messages as m')
    .innerJoin('members as me', (join) => join.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', userId))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('m.conversation_id', '=', conversationId)
    .whereRef('m.seq', '>', 'me.read_seq')
    .where('m.sender_id', '<>', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const idempotencyKey = (senderId: string, clientId: string) => `${senderId}\u0000${clientId}`;

function toUser(row: Selectable<Database['users']>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    bio: row.bio,
    email: row.email,
    isAdmin: Number(row.is_admin) === 1,
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
    hideLastSeen: Number(row.hide_last_seen) === 1,
    lastSeenAt: row.last_seen_at === null ? null : Number(row.last_seen_at),
  };
}

function toSession(row: Selectable<Database['sessions']>): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

function toConversation(row: Selectable<Database['conversations']>): ConversationRecord {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    directKey: row.direct_key,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    lastSeq: Number(row.last_seq),
    lastActivityAt: Number(row.last_activity_at),
    memberCount: Number(row.member_count),
    lastPos: Number(row.last_pos),
  };
}

function toMember(row: Selectable<Database['members']>): MemberRecord {
  return {
    conversationId: row.conversation_id,
    userId: row.user_id,
    role: row.role,
    joinedAt: Number(row.joined_at),
    readSeq: Number(row.read_seq),
    deliveredSeq: Number(row.delivered_seq),
  };
}

function toMessage(row: Selectable<Database['messages']>): MessageRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    clientId: row.client_id,
    body: row.body,
    createdAt: Number(row.created_at),
  };
}
