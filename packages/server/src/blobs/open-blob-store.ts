import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import { createPostgresDb } from '../store/postgres/postgres-store.js';
import { openMysqlBlobStore } from './mysql-blob-store.js';
import type { BlobStore } from './blob-store.js';
import { DiskBlobStore } from './disk-blob-store.js';
import { type BlobTables, PostgresBlobStore } from './postgres-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

/**
 * The blob store the configuration names (config.ts `blobStore`): DATA_DIR/blobs, the
 * PostgreSQL or MySQL database (its tables are made by the store's migrations, which run first), or S3.
 */
export function openBlobStore(config: Config): BlobStore {
  switch (config.blobStore) {
    case 's3':
      return new S3BlobStore(config.s3!);
    case 'postgres': {
      // A small pool of its own: a streamed download holds a connection only per read of 2 MiB.
      const db = createPostgresDb(config.databaseUrl!, { poolSize: Math.min(4, config.databasePoolSize) });
      return new PostgresBlobStore(db as unknown as Kysely<BlobTables>);
    }
    case 'mysql':
      return openMysqlBlobStore(config.databaseUrl!, Math.min(4, config.databasePoolSize));
    case 'disk':
      return new DiskBlobStore(path.join(config.dataDir, 'blobs'));
  }
}
