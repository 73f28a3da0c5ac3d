import { type Migration, sql } from 'kysely';
import { appendFunctionMigration } from './one-statement-append.js';
import { postgresSearchMigrations } from './postgres-search.js';

/**
 * Migrations only PostgreSQL runs, merged by name into the shared list (store/migrations.ts) so
 * each sorts right after the shared migration it completes.
 *
 * Text columns are made byte-wise (COLLATE "C") whatever locale the database was created with:
 * ORDER BY and range comparisons on them (the pagination keys: usernames, ids) then agree with
 * SQLite's BINARY collation, and lower() folds ASCII only, as SQLite's does. A shared migration
 * that adds text columns gets its `_pg_bytewise` companion here; postgres-store.integration.test.ts fails
 * when one is missing.
 */
export const postgresMigrations: Record<string, Migration> = {
  '0001_core_pg_bytewise': bytewiseText(['users', 'sessions', 'refresh_tokens', 'conversations', 'members', 'messages']),
  '0002_event_log_pg_bytewise': bytewiseText(['stream_head', 'events']),
  '0004_message_lifecycle_pg_bytewise': bytewiseText(['messages', 'message_edits', 'message_mentions']),
  '0005_people_pg_bytewise': bytewiseText(['blocks']),
  '0005c_notifications_pg_bytewise': bytewiseText(['notifications']),
  '0005d_system_messages_pg_bytewise': bytewiseText(['messages']),
  '0006_outbound_pg_bytewise': bytewiseText(['notification_outbox', 'push_subscriptions', 'server_keys']),
  '0011_event_message_index_pg_bytewise': bytewiseText(['events']),
  '0022_lookalike_usernames_verified_emails_pg_bytewise': bytewiseText(['users']),
  '0008_location_pg_bytewise': bytewiseText(['messages']),
  '0023_profile_time_zone_pg_bytewise': bytewiseText(['users']),
  '0024_search_languages_pg_bytewise': bytewiseText(['users', 'search_reindex']),
  '0027_message_content_pg_bytewise': bytewiseText(['messages']),
  '0028_saved_messages_pg_bytewise': bytewiseText(['saved_messages']),
  '0030_drafts_pg_bytewise': bytewiseText(['drafts']),
  '0033_devices_and_key_packages_pg_bytewise': bytewiseText(['devices', 'identity_keys', 'key_packages']),
  '0035_assist_pg_bytewise': bytewiseText(['assist_settings', 'assist_dismissals']),
  '0037_assist_moderation_pg_bytewise': bytewiseText(['assist_reports', 'assist_held', 'assist_spam_features']),
  '0029_scheduled_messages_pg_bytewise': bytewiseText(['scheduled_messages']),
  '0032_imports_pg_bytewise': bytewiseText(['imports', 'import_mappings', 'conversations']),
  '0036_encrypted_conversations_pg_bytewise': bytewiseText(['mls_groups']),
  '0042_device_links_pg_bytewise': bytewiseText(['device_links']),
  '0045_report_shared_text_pg_bytewise': bytewiseText(['assist_reports']),
  ...postgresSearchMigrations,
  '0007_uploads_pg_bytewise': bytewiseText(['uploads', 'message_attachments', 'messages']),
  // The PostgreSQL blob store's tables (blobs/postgres-blob-store.ts): file bytes in chunks.
  '0007_uploads_pg_blobs': {
    async up(db) {
      // `blobs` names the chunk set (`chunks`) that holds each key's bytes: a put writes a new set
      // and switches the key to it in one statement once complete, so a failed put changes nothing.
      await db.schema
        .createTable('blobs')
        .addColumn('key', 'varchar(128)', (c) => c.primaryKey())
        .addColumn('chunks', 'varchar(64)', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('chunk_size', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('blob_chunks')
        .addColumn('chunks', 'varchar(64)', (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addColumn('data', 'bytea', (c) => c.notNull())
        .addPrimaryKeyConstraint('blob_chunks_pk', ['chunks', 'n'])
        .execute();
    },
  },
  '0007_uploads_pg_blobs_pg_bytewise': bytewiseText(['blobs', 'blob_chunks']),
  '0013_accounts_pg_bytewise': bytewiseText(['users', 'sessions', 'account_tokens']),
  '0014_invites_pg_bytewise': bytewiseText(['invites']),
  '0015_admin_pg_bytewise': bytewiseText(['audit_log', 'node_reports']),
  // The function a batch of plain new messages is stored by (one-statement-append.ts, decision 0017),
  // one name per version: each installs the newest text.
  '0019_pg_append_function': appendFunctionMigration,
  '0020_pg_append_function_newest_in_one': appendFunctionMigration,
  // Refuses a plain message into a conversation encrypted since its send read the flag (issue 39).
  '0039_pg_append_function_encrypted_since': appendFunctionMigration,
  // Takes MLS application messages and welcomes, checking their sending devices and keeping
  // their log positions (messages.log_pos, of 0043_revocation_positions: issue 39).
  '0044_pg_append_function_sending_devices': appendFunctionMigration,
  // Thread read state (issue 35 item 2).
  '0021_thread_reads_pg_bytewise': bytewiseText(['thread_reads']),
};

/** A migration giving every varchar and text column of `tables` (in the current schema) not yet byte-wise COLLATE "C". */
export function bytewiseText(tables: readonly string[]): Migration {
  return {
    async up(db) {
      // The catalogs of a database holding many schemas (the tests') are big enough for a
      // parallel scan, and a parallel worker was seen failing to resolve the schema (3F000):
      // this small read runs in the migration's own process.
      await sql`set local max_parallel_workers_per_gather = 0`.execute(db);
      const { rows } = await sql<{ table_name: string; column_name: string; column_type: string }>`
        select c.relname as table_name, a.attname as column_name, format_type(a.atttypid, a.atttypmod) as column_type
        from pg_attribute a
        join pg_class c on c.oid = a.attrelid
        where c.relnamespace = (select oid from pg_namespace where nspname = current_schema())
          and c.relname in (${sql.join(tables)})
          and a.attnum > 0 and not a.attisdropped
          and a.atttypid in ('text'::regtype, 'varchar'::regtype)
          -- only columns not byte-wise yet: a later companion leaves the earlier ones (and their indexes) alone
          and a.attcollation <> (select oid from pg_collation where collname = 'C')
        order by c.relname, a.attnum`.execute(db);
      for (const table of tables) {
        const columns = rows.filter((r) => r.table_name === table);
        if (columns.length === 0) continue;
        const changes = columns.map((c) => sql`alter column ${sql.id(c.column_name)} type ${sql.raw(c.column_type)} collate "C"`);
        await sql`alter table ${sql.id(table)} ${sql.join(changes)}`.execute(db);
      }
    },
  };
}
