import { describe } from 'vitest';
import { type TestServer, startServer } from './harness.js';
import { createTestSchema, postgresService, requireService } from './services.js';

/**
 * The engines an end-to-end suite runs on: a server on SQLite, and one on PostgreSQL in a schema
 * of its own (skipped loudly, or failing under CONFAB_REQUIRE_SERVICES=1, when PostgreSQL does
 * not answer). Use with `describe.each(await engines())('… on %s', (_name, start) => …)`.
 */
export async function engines(env: Record<string, string> = {}): Promise<[string, () => Promise<TestServer>][]> {
  const sqlite: [string, () => Promise<TestServer>] = ['SQLite', () => startServer(env)];
  if ((await requireService(postgresService)) !== describe) return [sqlite];
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
  return [sqlite, postgres];
}
