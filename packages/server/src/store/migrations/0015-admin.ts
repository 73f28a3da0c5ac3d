import type { Kysely, Migration } from 'kysely';

/**
 * Issue 12, the operator: deactivated accounts, the audit log (admin actions and security events,
 * pruned after AUDIT_RETENTION_DAYS) and each node's report of its open sockets (instance stats).
 */
export const admin: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('deactivated_at', 'bigint').execute();

    // No foreign keys: an entry outlives whatever it names, and a failed login may name nobody.
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('type', 'varchar(64)', (c) => c.notNull())
      .addColumn('actor_id', 'varchar(64)')
      .addColumn('user_id', 'varchar(64)')
      .addColumn('ip', 'varchar(64)')
      .addColumn('details', 'text', (c) => c.notNull())
      .execute();
    // Newest first by (at, id): the page read and the retention prune are ranges of it.
    await db.schema.createIndex('audit_log_at_id').on('audit_log').columns(['at', 'id']).execute();

    // One row per node, rewritten when its socket count changes and every few seconds.
    await db.schema
      .createTable('node_reports')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('host', 'varchar(255)', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('sockets', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('reported_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
