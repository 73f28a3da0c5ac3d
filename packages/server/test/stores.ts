import { afterAll, beforeAll, describe } from 'vitest';
import { type TestServer, startServer } from './harness.js';
import {
  type TestDatabase,
  type TestSchema,
  createTestDatabase,
  createTestSchema,
  mysqlService,
  postgresService,
  requireService,
} from './services.js';

const describePostgres = await requireService(postgresService);
const describeMysql = await requireService(mysqlService);

/**
 * Runs the same end-to-end suite against a server on SQLite, one on PostgreSQL (a schema of its
 * own) and one on MariaDB/MySQL (a database of its own). `server()` is the running server of the current engine.
 */
export function describeOnEachStore(title: string, body: (server: () => TestServer) => void, env: Record<string, string> = {}): void {
  for (const engine of ['sqlite', 'postgres', 'mysql'] as const) {
    (engine === 'postgres' ? describePostgres : engine === 'mysql' ? describeMysql : describe)(`${title} (${engine})`, () => {
      let t: TestServer;
      let schema: TestSchema | TestDatabase | undefined;
      beforeAll(async () => {
        if (engine === 'postgres') schema = await createTestSchema();
        if (engine === 'mysql') schema = await createTestDatabase();
        t = await startServer({
          ...env,
          ...(schema
            ? { DATABASE_URL: schema.url, DATABASE_POOL_SIZE: '4', JWT_SECRET: 'an end-to-end test secret of 32+ characters' }
            : {}),
        });
      });
      afterAll(async () => {
        await t?.close();
        await schema?.drop();
      });
      body(() => t);
    });
  }
}
