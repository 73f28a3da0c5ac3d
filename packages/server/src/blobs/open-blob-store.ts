import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { DiskBlobStore } from './disk-blob-store.js';
import type { BlobTables } from './postgres-blob-store.js';

/**
 * The blob store the configuration names (config.ts `blobStore`): DATA_DIR/blobs, the
 * PostgreSQL or MySQL database (its tables are made by the store's migrations, which run first), or S3.
 * Each is imported when named: the S3 client alone took ~250 ms of a node's start (issue 41 item 3).
 */
export async function openBlobStore(config: Config): Promise<BlobStore> {
  switch (config.blobStore) {
    case 's3': {
      const { S3BlobStore } = await import('./s3-blob-store.js');
      return new S3BlobStore(config.s3!);
    }
    case 'postgres': {
      const [{ createPostgresDb }, { PostgresBlobStore }] = await Promise.all([
        import('../store/postgres/postgres-store.js'),
        import('./postgres-blob-store.js'),
      ]);
      // A small pool of its own: a streamed download holds a connection only per read of 2 MiB.
      const db = createPostgresDb(config.databaseUrl!, { poolSize: Math.min(4, config.databasePoolSize) });
      return new PostgresBlobStore(db as unknown as Kysely<BlobTables>);
    }
    case 'mysql': {
      const { openMysqlBlobStore } = await import('./mysql-blob-store.js');
      return openMysqlBlobStore(config.databaseUrl!, Math.min(4, config.databasePoolSize));
    }
    case 'disk':
      return new DiskBlobStore(path.join(config.dataDir, 'blobs'));
  }
}
