import type { Kysely, Migration } from 'kysely';

/**
 * Issue 37: imports from Slack and Mattermost. `imports` is each run's state, counts and errors
 * (what `GET /api/v1/admin/imports/:id` answers, JSON text); `import_mappings` maps an exported
 * id (a Slack user, channel or file) to the row it became here, so a second run of the same
 * export finds what the first made instead of making it again. A group's `description` is the
 * channel's topic.
 */
export const imports: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('imports')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('source', 'varchar(16)', (c) => c.notNull())
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('counts', 'text', (c) => c.notNull())
      .addColumn('errors', 'text', (c) => c.notNull())
      .addColumn('created_by', 'varchar(64)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('import_mappings')
      .addColumn('source', 'varchar(16)', (c) => c.notNull())
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('external_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('local_id', 'varchar(64)', (c) => c.notNull())
      .addPrimaryKeyConstraint('import_mappings_pk', ['source', 'kind', 'external_id'])
      .execute();
    await db.schema.alterTable('conversations').addColumn('description', 'varchar(250)').execute();
  },
};
