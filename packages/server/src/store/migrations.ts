import { randomBytes } from 'node:crypto';
import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import { messageLifecycle } from './migrations/0004-message-lifecycle.js';
import { eventCursors } from './migrations/0004b-event-cursors.js';
import { people } from './migrations/0005-people.js';
import { memberSettings } from './migrations/0005b-member-settings.js';
import { notifications } from './migrations/0005c-notifications.js';
import { systemMessages } from './migrations/0005d-system-messages.js';
import { outbound } from './migrations/0006-outbound.js';
import { uploads } from './migrations/0007-uploads.js';
import { location } from './migrations/0008-location.js';
import { eventMessageIndex } from './migrations/0011-event-message-index.js';
import { accounts } from './migrations/0013-accounts.js';
import { invites } from './migrations/0014-invites.js';
import { admin } from './migrations/0015-admin.js';
import { notificationIndex } from './migrations/0016-notification-index.js';
import { partialIndexes } from './migrations/0018-partial-indexes.js';
// Thread read state (issue 35 item 2).
import { threadReads } from './migrations/0021-thread-reads.js';
import { avatars } from './migrations/0023-avatars.js';
import { lookalikeUsernamesVerifiedEmails } from './migrations/0022-lookalike-usernames-verified-emails.js';
// A person's time zone (issue 36 item 2).
import { profileTimeZone } from './migrations/0023-profile-time-zone.js';
// Search in every language: users' locale, the re-index job's mark (issue 38).
import { searchLanguages } from './migrations/0024-search-languages.js';
// Polls, forwarding, saved messages (issue 37).
import { messageContent } from './migrations/0027-message-content.js';
import { savedMessages } from './migrations/0028-saved-messages.js';
// Drafts that follow me across devices (issue 37).
import { drafts } from './migrations/0030-drafts.js';
// Devices, identity keys and KeyPackages for end-to-end encryption (issue 39).
import { devicesAndKeyPackages } from './migrations/0033-devices-and-key-packages.js';
import { assist } from './migrations/0035-assist.js';
import { encryptedConversations } from './migrations/0036-encrypted-conversations.js';
import { assistModeration } from './migrations/0037-assist-moderation.js';
import { messagesShown } from './migrations/0039-messages-shown.js';
import { deviceLinks } from './migrations/0042-device-links.js';
import { revocationPositions } from './migrations/0043-revocation-positions.js';
import { reportSharedText } from './migrations/0045-report-shared-text.js';
import { eventsWithoutCreatedAtIndex } from './migrations/0048-events-without-created-at-index.js';
import { scheduledMessages } from './migrations/0029-scheduled-messages.js';
import { starred } from './migrations/0025-starred.js';
// Imports from Slack and Mattermost (issue 37).
import { imports } from './migrations/0032-imports.js';

/**
 * Schema migrations, in code and in order. Written with Kysely's schema builder in types both
 * SQLite and PostgreSQL accept, so one list serves every engine. Never edit a released
 * migration: add the next one.
 */
const migrations: Record<string, Migration> = {
  '0001_core': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('username', 'varchar(32)', (c) => c.notNull())
        .addColumn('username_lower', 'varchar(32)', (c) => c.notNull().unique())
        .addColumn('display_name', 'varchar(64)', (c) => c.notNull())
        .addColumn('bio', 'varchar(500)', (c) => c.notNull().defaultTo(''))
        .addColumn('email', 'varchar(254)')
        .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('users_display_name_lower')
        .on('users')
        .expression(sql`lower(display_name)`)
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('refresh_tokens')
        .addColumn('token_hash', 'varchar(128)', (c) => c.primaryKey())
        .addColumn('session_id', 'varchar(64)', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('spent_at', 'bigint')
        .execute();
      await db.schema.createIndex('refresh_tokens_session').on('refresh_tokens').column('session_id').execute();

      await db.schema
        .createTable('conversations')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('title', 'varchar(100)')
        .addColumn('direct_key', 'varchar(140)', (c) => c.unique())
        .addColumn('created_by', 'varchar(64)', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('last_activity_at', 'bigint', (c) => c.notNull())
        .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema
        .createTable('members')
        .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role', 'varchar(16)', (c) => c.notNull())
        .addColumn('joined_at', 'bigint', (c) => c.notNull())
        .addColumn('read_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('members_pk', ['conversation_id', 'user_id'])
        .execute();
      await db.schema.createIndex('members_user').on('members').columns(['user_id', 'conversation_id']).execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('sender_id', 'varchar(64)', (c) => c.notNull().references('users.id'))
        .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('messages_conversation_seq', ['conversation_id', 'seq'])
        .addUniqueConstraint('messages_sender_client', ['sender_id', 'client_id'])
        .execute();
    },
  },
  '0002_event_log': {
    // The event log behind resumable sync (docs/realtime.md). One counter row hands out
    // positions: every transaction that logs an event takes its lock, so on every engine
    // events commit in position order and the stored log is always a gap-free prefix.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('stream_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('epoch', 'varchar(32)', (c) => c.notNull())
        .addColumn('pos', 'bigint', (c) => c.notNull())
        .addColumn('floor', 'bigint', (c) => c.notNull())
        .execute();
      await db
        .insertInto('stream_head' as never)
        .values({ id: 1, epoch: randomBytes(8).toString('hex'), pos: 0, floor: 0 } as never)
        .execute();

      await db.schema
        .createTable('events')
        .addColumn('pos', 'bigint', (c) => c.primaryKey())
        .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('subject_user_id', 'varchar(64)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('events_conversation_pos').on('events').columns(['conversation_id', 'pos']).execute();
      await db.schema.createIndex('events_subject_pos').on('events').columns(['subject_user_id', 'pos']).execute();
      await db.schema.createIndex('events_created_at').on('events').column('created_at').execute();

      await db.schema
        .alterTable('conversations')
        .addColumn('last_pos', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('members')
        .addColumn('joined_pos', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('members')
        .addColumn('delivered_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('users')
        .addColumn('hide_last_seen', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('users').addColumn('last_seen_at', 'bigint').execute();
    },
  },
  '0003_sessions_revoked_at': {
    // Every node reads the sessions revoked lately, every few hundred milliseconds
    // (services/accounts/session-revocations.ts): a range of this index, not a scan of every session.
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('sessions_revoked_at').on('sessions').column('revoked_at').execute();
    },
  },
  '0004_message_lifecycle': messageLifecycle,
  '0004b_event_cursors': eventCursors,
  '0005_people': people,
  '0005b_member_settings': memberSettings,
  '0005c_notifications': notifications,
  '0005d_system_messages': systemMessages,
  '0006_outbound': outbound,
  '0007_uploads': uploads,
  '0008_location': location,
  '0011_event_message_index': eventMessageIndex,
  '0013_accounts': accounts,
  '0014_invites': invites,
  '0015_admin': admin,
  '0016_notification_index': notificationIndex,
  '0018_partial_indexes': partialIndexes,
  // Thread read state (issue 35 item 2).
  '0021_thread_reads': threadReads,
  // Look-alike usernames and verified-only email ownership (issue 35 item 7).
  '0022_lookalike_usernames_verified_emails': lookalikeUsernamesVerifiedEmails,
  // Avatars (issue 36 item 2).
  '0023_avatars': avatars,
  // A person's time zone, for the profile card's local time (issue 36 item 2).
  '0023_profile_time_zone': profileTimeZone,
  '0024_search_languages': searchLanguages,
  // Starred conversations, pinned to the top of my list (issue 36 item 8).
  '0025_starred': starred,
  // Polls and forwarding (a message's content as JSON), saved messages (issue 37).
  '0027_message_content': messageContent,
  '0028_saved_messages': savedMessages,
  // Drafts that follow me across devices (issue 37).
  '0030_drafts': drafts,
  // End-to-end encryption, part 1: devices, identity keys, KeyPackages (issue 39).
  '0033_devices_and_key_packages': devicesAndKeyPackages,
  // Assist: my switches, dismissed needs-reply items, messages by sender (issue 40).
  '0035_assist': assist,
  // Scheduled send (issue 37).
  '0029_scheduled_messages': scheduledMessages,
  '0032_imports': imports,
  // End-to-end encryption, part 2: encrypted conversations and their MLS groups (issue 39).
  '0036_encrypted_conversations': encryptedConversations,
  // Assist: reports, held messages and the spam model's counts (issue 40).
  '0037_assist_moderation': assistModeration,
  // End-to-end encryption, part 3: commits and welcomes are not unread (issue 39).
  '0039_messages_shown': messagesShown,
  // End-to-end encryption, part 4: a new device's request for my identity key (issue 39).
  '0042_device_links': deviceLinks,
  // End-to-end encryption: a revocation and MLS messages placed in the event log (issue 39).
  '0043_revocation_positions': revocationPositions,
  // End-to-end encryption: a report of an encrypted message may carry the text its reporter read (issue 39).
  '0045_report_shared_text': reportSharedText,
  // The event log's `created_at` index, paid by every event for a prune a minute (issue 41).
  '0048_events_without_created_at_index': eventsWithoutCreatedAtIndex,
};

/**
 * Migrations recorded under another name by earlier versions, old name → name now. Two branches
 * each numbered a migration 0005 (`0005_event_cursors` and `0005_people`…`0005d_system_messages`);
 * the event cursors' is `0004b` now, the place it always had in name order. A database that
 * recorded the old name has it renamed in its bookkeeping before migrating (migrate.ts), so the
 * migration is not run again. Never reuse an old name.
 */
export const renamedMigrations: Readonly<Record<string, string>> = {
  '0005_event_cursors': '0004b_event_cursors',
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
