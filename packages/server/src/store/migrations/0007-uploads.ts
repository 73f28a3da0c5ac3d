import type { Kysely, Migration } from 'kysely';

/**
 * Files (issue 11). `uploads` describes each upload (its bytes are in the blob store under
 * `blob_key`); `message_attachments` links a message to the uploads it carries, which is what
 * authorises a download and keeps an upload from being swept as an orphan; the message row also
 * keeps what it shows of them (`attachments`, `voice`: JSON, read with the row; uploads never
 * change). `users.upload_bytes` is the quota's running total, moved in the same statement that
 * checks it, so concurrent uploads cannot overshoot.
 */
export const uploads: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('uploads')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('owner_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('filename', 'varchar(255)', (c) => c.notNull())
      .addColumn('content_type', 'varchar(255)', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .addColumn('duration_ms', 'bigint')
      .addColumn('blob_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('thumbnail_key', 'varchar(128)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('uploads_owner').on('uploads').column('owner_id').execute();
    await db.schema.createIndex('uploads_created_at').on('uploads').column('created_at').execute();

    await db.schema
      .createTable('message_attachments')
      .addColumn('message_id', 'varchar(64)', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('upload_id', 'varchar(64)', (c) => c.notNull().references('uploads.id'))
      .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull())
      .addPrimaryKeyConstraint('message_attachments_pk', ['message_id', 'upload_id'])
      .execute();
    await db.schema.createIndex('message_attachments_upload').on('message_attachments').columns(['upload_id', 'conversation_id']).execute();

    await db.schema.alterTable('messages').addColumn('attachments', 'text').execute();
    await db.schema.alterTable('messages').addColumn('voice', 'text').execute();
    await db.schema
      .alterTable('users')
      .addColumn('upload_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
