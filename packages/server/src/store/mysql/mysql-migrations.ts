import { type Migration, sql } from 'kysely';
import { mysqlSearchMigrations } from './mysql-search.js';

/**
 * Migrations only MySQL/MariaDB runs, merged by name into the shared list (store/migrations.ts),
 * as PostgreSQL's are (postgres/postgres-migrations.ts). Text columns need no companion here:
 * every table is made binary and no-pad by mysql-translation.ts.
 */
export const mysqlMigrations: Record<string, Migration> = {
  ...mysqlSearchMigrations,
  // File bytes in the database when no S3 is set (blobs/postgres-blob-store.ts's tables, the same queries).
  '0007_uploads_mysql_blobs': {
    async up(db) {
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
        // LONGBLOB: a chunk is 2 MiB, more than BLOB's 64 KiB and MEDIUMBLOB's 16 MiB leaves room for.
        .addColumn('data', sql`longblob`, (c) => c.notNull())
        .addPrimaryKeyConstraint('blob_chunks_pk', ['chunks', 'n'])
        .execute();
    },
  },
};
