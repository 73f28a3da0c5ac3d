import type { Kysely } from 'kysely';
import { createTestSchema, postgresService, requireService } from '../../test/services.js';
import { createPostgresDb, openPostgresStore } from '../store/postgres/postgres-store.js';
import { describeBlobStoreConformance } from './blob-store.conformance.js';
import { type BlobTables, PostgresBlobStore } from './postgres-blob-store.js';

const describePostgres = await requireService(postgresService);

describePostgres('PostgreSQL blob store', () => {
  describeBlobStoreConformance('postgres', async () => {
    const schema = await createTestSchema();
    // The blob tables are made by the store's migrations.
    const store = openPostgresStore(schema.url, { poolSize: 2 });
    await store.migrate();
    await store.close();
    const blobs = new PostgresBlobStore(createPostgresDb(schema.url, { poolSize: 2 }) as unknown as Kysely<BlobTables>);
    return {
      store: blobs,
      dispose: async () => {
        await blobs.close();
        await schema.drop();
      },
    };
  });
});
