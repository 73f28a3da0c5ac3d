import { createTestDatabase, mysqlService, requireService } from '../../test/services.js';
import { openMysqlStore } from '../store/mysql/mysql-store.js';
import { describeBlobStoreConformance } from './blob-store.conformance.js';
import { openMysqlBlobStore } from './mysql-blob-store.js';

const describeMysql = await requireService(mysqlService);

describeMysql('MySQL/MariaDB blob store', () => {
  describeBlobStoreConformance('mysql', async () => {
    const database = await createTestDatabase();
    // The blob tables are made by the store's migrations.
    const store = openMysqlStore(database.url, { poolSize: 2 });
    await store.migrate();
    await store.close();
    const blobs = openMysqlBlobStore(database.url, 2);
    return {
      store: blobs,
      dispose: async () => {
        await blobs.close();
        await database.drop();
      },
    };
  });
});
