import { describe } from 'vitest';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Tests that need an external service (PostgreSQL, Redis) run when it answers and are skipped
 * loudly when it does not — unless CONFAB_REQUIRE_SERVICES=1 (set by .ci/run), where a missing
 * service fails the test file instead of skipping it.
 */
export interface ExternalService {
  /** Shown in the skip warning, e.g. "Redis". */
  name: string;
  /** Where the tests will connect; shown without its password. */
  url: string;
  /** The environment variable that overrides `url`, named in the skip warning. */
  env: string;
  /** Resolves when the service answers; rejects (or takes longer than `timeoutMs`) when not. */
  probe(url: string): Promise<void>;
}

/**
 * Probes the service once; returns `describe` when it answers and `describe.skip` otherwise.
 * Use with top-level await: `const describeRedis = await requireService(redisService);`.
 */
export async function requireService(service: ExternalService, timeoutMs = 3000): Promise<typeof describe | typeof describe.skip> {
  const failure = await probeFailure(service, timeoutMs);
  if (failure === undefined) return describe;
  const where = `${service.name} at ${redactUrl(service.url)} (${service.env})`;
  if (process.env.CONFAB_REQUIRE_SERVICES === '1') {
    throw new Error(`${where} is required (CONFAB_REQUIRE_SERVICES=1) but not reachable: ${failure}`);
  }
  // eslint-disable-next-line no-console
  console.warn(
    `\n!!! SKIPPING the tests that need ${where}: not reachable (${failure}).\n` +
      `!!! Start it, or set ${service.env}; CONFAB_REQUIRE_SERVICES=1 turns this skip into a failure.\n`,
  );
  return describe.skip;
}

async function probeFailure(service: ExternalService, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([service.probe(service.url), deadline]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}

/** Redis for the bus tests. Tests share it with others: use unique channel prefixes, never FLUSHALL. */
export const redisService: ExternalService = {
  name: 'Redis',
  url: process.env.CONFAB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  env: 'CONFAB_TEST_REDIS_URL',
  async probe(url) {
    const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, connectTimeout: 2000, maxRetriesPerRequest: 0 });
    let cause: Error | undefined;
    redis.on('error', (error: Error) => (cause ??= error)); // e.g. ECONNREFUSED, more telling than connect()'s
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      throw cause ?? error;
    } finally {
      redis.disconnect();
    }
  },
};

/** PostgreSQL for the store tests. Shared with other tests: work in a schema of your own (createTestSchema). */
export const postgresService: ExternalService = {
  name: 'PostgreSQL',
  url: process.env.CONFAB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  env: 'CONFAB_TEST_DATABASE_URL',
  async probe(url) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => {}); // the failure is reported through connect()
    try {
      await client.connect();
      await client.query('select 1');
    } finally {
      await client.end().catch(() => {});
    }
  },
};

export interface TestSchema {
  name: string;
  /** The database URL with its search_path set to this schema, for a store or a server. */
  url: string;
  /** Drops the schema and everything in it; close the stores using it first. */
  drop(): Promise<void>;
}

/** A new, empty schema `confab_test_<random>` in the test database. */
export async function createTestSchema(baseUrl = postgresService.url): Promise<TestSchema> {
  const name = `confab_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await withPostgres(baseUrl, (client) => client.query(`create schema ${name}`));
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    drop: () => withPostgres(baseUrl, (client) => client.query(`drop schema if exists ${name} cascade`)).then(() => undefined),
  };
}

/** Runs `use` on a short-lived connection of its own (not a store's pool). */
export async function withPostgres<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
