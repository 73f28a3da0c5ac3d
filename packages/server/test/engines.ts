import { describe } from 'vitest';
import { type TestServer, startServer } from './harness.js';
import { createTestDatabase, createTestSchema, mysqlService, postgresService, requireService } from './services.js';

/**
 * The engines an end-to-end suite runs on: a server on SQLite, one on PostgreSQL in a schema of
 * its own and one on MariaDB/MySQL in a database of its own (each skipped loudly, or failing under
 * CONFAB_REQUIRE_SERVICES=1, when its server does not answer). Use with `describe.each(await engines())('… on %s', (_name, start) => …)`.
 */
export async function engines(env: Record<string, string> = {}): Promise<[string, () => Promise<TestServer>][]> {
  const sqlite: [string, () => Promise<TestServer>] = ['SQLite', () => startServer(env)];
  const shared = [
    ...((await requireService(postgresService)) === describe ? [postgresEngine(env)] : []),
    ...((await requireService(mysqlService)) === describe ? [mysqlEngine(env)] : []),
  ];
  return [sqlite, ...shared];
}

/** A server on MariaDB/MySQL, in a database of its own (skipped loudly without it, as PostgreSQL). */
function mysqlEngine(env: Record<string, string>): [string, () => Promise<TestServer>] {
  return [
    'MariaDB',
    async () => {
      const database = await createTestDatabase();
      const server = await startServer({
        DATABASE_URL: database.url,
        DATABASE_POOL_SIZE: '4',
        JWT_SECRET: 'an end-to-end test secret of 32+ characters',
        ...env,
      });
      return {
        ...server,
        async close() {
          await server.close();
          await database.drop();
        },
      };
    },
  ];
}

function postgresEngine(env: Record<string, string>): [string, () => Promise<TestServer>] {
  const postgres: [string, () => Promise<TestServer>] = [
    'PostgreSQL',
    async () => {
      const schema = await createTestSchema();
      const server = await startServer({
        DATABASE_URL: schema.url,
        DATABASE_POOL_SIZE: '4',
        JWT_SECRET: 'an end-to-end test secret of 32+ characters',
        ...env,
      });
      return {
        ...server,
        async close() {
          await server.close();
          await schema.drop();
        },
      };
    },
  ];
  return postgres;
}
