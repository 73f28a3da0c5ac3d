import type { Kysely } from 'kysely';
import { createMysqlDb } from '../store/mysql/mysql-store.js';
import { type BlobTables, PostgresBlobStore } from './postgres-blob-store.js';

/**
 * File bytes in a MySQL/MariaDB store's database (BLOB_STORE=mysql, the default there without S3):
 * PostgreSQL's chunked tables and queries, which the MySQL dialect runs as they are (its upsert and
 * DELETE … RETURNING rewritten below them: store/mysql/); the tables are made by the store's
 * migrations (`0007_uploads_mysql_blobs`).
 */
export class MysqlBlobStore extends PostgresBlobStore {
  override readonly driver = 'mysql';
}

export function openMysqlBlobStore(databaseUrl: string, poolSize: number): MysqlBlobStore {
  return new MysqlBlobStore(createMysqlDb(databaseUrl, { poolSize }) as unknown as Kysely<BlobTables>);
}
