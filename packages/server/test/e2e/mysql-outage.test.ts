import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ServerBehindRelay, expectOutageAnsweredAndRecovered, serverBehindRelay } from '../database-outage.js';
import { type TestDatabase, createTestDatabase, mysqlService, requireService } from '../services.js';

const describeMysql = await requireService(mysqlService);

/** As `postgres.test.ts`'s outage: a server on MariaDB/MySQL answers 503 while its database is cut off, and recovers. */
describeMysql('a server on MariaDB losing its database', () => {
  let database: TestDatabase;
  let server: ServerBehindRelay;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await serverBehindRelay(database.url, 3306, 'a mariadb test secret of at least 32 chars');
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('answers 503 unavailable while the database is unreachable, and recovers', async () => {
    expect(server.t.server.services.store.engine).toBe('mysql');
    // The files are in the same database (its blob store), so they are out too.
    await expectOutageAnsweredAndRecovered(server, ['store', 'blobs']);
  }, 60_000);
});
