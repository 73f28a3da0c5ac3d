import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { Redis } from 'ioredis';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { withPostgres } from '../../../bench/src/cluster-space.js';
import { SCHEMA_CHANGE_LOCK } from '../src/store/postgres/postgres-store.js';

/**
 * Tests that need something beyond Node — a service (PostgreSQL, Redis) or a program (nginx;
 * Chromium for the browser tests) — run when it is there and are skipped loudly when it is not,
 * unless CONFAB_REQUIRE_SERVICES=1 (set by .ci/run), where a missing one fails the test file
 * instead. `npm test` on a machine with Node alone passes, skipping those tests.
 */
export interface ExternalService {
  /** Shown in the skip warning, e.g. "Redis". */
  name: string;
  /** The environment variable that says where to find it, named in the skip warning. */
  env: string;
  /** Where it is looked for, for the skip warning (a URL is shown without its password). */
  where(): string;
  /** How to get it, for the skip warning. */
  install: string;
  /** Resolves when it is there and answers; rejects (or takes longer than the timeout) when not. */
  probe(): Promise<void>;
}

/**
 * Probes each of `services` once; returns `describe` when all answer and `describe.skip`
 * otherwise, naming each one missing. The one gate for every test that needs more than Node:
 * `const describeCluster = await requireService(postgresService, redisService, nginxService);`.
 */
export async function requireService(...services: ExternalService[]): Promise<typeof describe | typeof describe.skip> {
  const failures = await Promise.all(services.map((service) => probeFailure(service)));
  const missing = services.flatMap((service, i) => (failures[i] === undefined ? [] : [`${describeWhere(service)}: ${failures[i]}`]));
  if (missing.length === 0) return describe;
  if (process.env.CONFAB_REQUIRE_SERVICES === '1') {
    throw new Error(`required (CONFAB_REQUIRE_SERVICES=1) but missing:\n  ${missing.join('\n  ')}`);
  }
  const names = services.filter((_, i) => failures[i] !== undefined).map((service) => service.name);
  const hints = services.filter((_, i) => failures[i] !== undefined).map((service) => `${service.install}, or set ${service.env}`);
  // eslint-disable-next-line no-console
  console.warn(
    `\n!!! SKIPPING the tests that need ${names.join(' and ')}:\n!!!   ${missing.join('\n!!!   ')}\n` +
      `!!! ${hints.join('; ')}. CONFAB_REQUIRE_SERVICES=1 turns this skip into a failure.\n`,
  );
  return describe.skip;
}

function describeWhere(service: ExternalService): string {
  return `${service.name} at ${service.where()} (${service.env})`;
}

async function probeFailure(service: ExternalService, timeoutMs = 3000): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([service.probe(), deadline]);
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

/**
 * A program the tests run. `env`, when set, is the only place looked (point it at a missing
 * file to see the skip on a machine that has the program); otherwise PATH, then `dirs`
 * (Debian puts nginx in /usr/sbin, which is not on every user's PATH).
 */
export interface Program extends ExternalService {
  /** Its path, or undefined when it is not installed (or does not run). */
  path(): string | undefined;
}

export function program(options: {
  name: string;
  binary: string;
  env: string;
  dirs: readonly string[];
  install: string;
  versionArgs: readonly string[];
}): Program {
  const candidates = () => {
    const chosen = process.env[options.env];
    if (chosen) return [chosen];
    const dirs = [...(process.env['PATH'] ?? '').split(path.delimiter), ...options.dirs].filter((dir) => dir !== '');
    return dirs.map((dir) => path.join(dir, options.binary));
  };
  const runs = (file: string) =>
    existsSync(file) && spawnSync(file, options.versionArgs, { stdio: 'ignore', timeout: 10_000 }).status === 0;
  const found = () => candidates().find(runs);
  return {
    name: options.name,
    env: options.env,
    install: options.install,
    where: () => (process.env[options.env] ? process.env[options.env]! : `PATH or ${options.dirs.join(', ')}`),
    path: found,
    probe: async () => {
      if (found() === undefined) throw new Error('not installed');
    },
  };
}

/** A network service the tests connect to at `url`. */
export interface NetworkService extends ExternalService {
  url: string;
}

/** Redis for the bus tests. Tests share it with others: use unique channel prefixes, never FLUSHALL. */
export const redisService: NetworkService = {
  name: 'Redis',
  url: process.env.CONFAB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  env: 'CONFAB_TEST_REDIS_URL',
  where: () => redactUrl(redisService.url),
  install: 'start redis-server',
  async probe() {
    const url = redisService.url;
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
export const postgresService: NetworkService = {
  name: 'PostgreSQL',
  url: process.env.CONFAB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  env: 'CONFAB_TEST_DATABASE_URL',
  where: () => redactUrl(postgresService.url),
  install: 'start PostgreSQL with a database `test` and trust authentication for 127.0.0.1',
  async probe() {
    const client = new pg.Client({ connectionString: postgresService.url, connectionTimeoutMillis: 2000 });
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
  const name = randomTestName();
  await withPostgres(baseUrl, (client) => client.query(`create schema ${name}`));
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    // Not while a server migrates elsewhere in the database: its catalog read would fail (SCHEMA_CHANGE_LOCK).
    drop: () =>
      withPostgres(baseUrl, async (client) => {
        await client.query('select pg_advisory_lock($1)', [SCHEMA_CHANGE_LOCK]);
        await client.query(`drop schema if exists ${name} cascade`);
      }),
  };
}

/**
 * A database migrated once that tests copy instead of migrating one of their own: a store suite's
 * ~180 tests each ran every migration, 0.45 s on PostgreSQL and 0.5 s on MariaDB on a quiet host
 * (over 1 s beside the other worker), where a copy takes ~0.05 s and ~0.1 s (2026-11-29). One per
 * suite (`migratedCopies`). The copies start where a fresh database stands after `migrate`, with the
 * template's seeded values (all share one stream epoch): tests of migrating itself, or of two fresh
 * databases told apart, make their own.
 */
export interface TestDatabaseTemplate {
  /** A new database holding what the template holds; drop it like any other. */
  copy(): Promise<TestDatabase>;
  /** Drops the template (its copies are dropped by their own `drop`). */
  drop(): Promise<void>;
}

/**
 * Copies of a template migrated for the suite this is called in: `create` makes it before the
 * suite's first test, migrating it with a store `open` gives (closed after), and it is dropped after
 * the last. Each call of the function returned is a new copy.
 */
export function migratedCopies(
  create: (migrate: (url: string) => Promise<void>) => Promise<TestDatabaseTemplate>,
  open: (url: string) => { migrate(): Promise<void>; close(): Promise<void> },
): () => Promise<TestDatabase> {
  let template: TestDatabaseTemplate | undefined;
  beforeAll(async () => {
    template = await create(async (url) => {
      const store = open(url);
      try {
        await store.migrate();
      } finally {
        await store.close();
      }
    });
  });
  afterAll(() => template?.drop());
  return () => {
    if (template === undefined) throw new Error('migratedCopies: a copy asked for outside the suite it was made in');
    return template.copy();
  };
}

/**
 * PostgreSQL's own copy: a database `confab_test_<random>` made with `create database … template`,
 * which copies everything in it (tables, rows, functions). The store works in its `public` schema.
 */
export async function createPostgresTemplate(
  migrate: (url: string) => Promise<void>,
  baseUrl = postgresService.url,
): Promise<TestDatabaseTemplate> {
  const newDatabase = async (template?: string): Promise<TestDatabase> => {
    const name = randomTestName();
    await withPostgres(baseUrl, (client) =>
      client.query(`create database ${name}${template === undefined ? '' : ` template ${template}`}`),
    );
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    return {
      name,
      url: url.toString(),
      drop: () => withPostgres(baseUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => {}),
    };
  };
  const template = await newDatabase();
  try {
    // The template must have no connection open while it is copied: `migrate` closes its store.
    await migrate(template.url);
  } catch (error) {
    await template.drop();
    throw error;
  }
  return { copy: () => newDatabase(template.name), drop: () => template.drop() };
}

/** Runs `use` on a short-lived connection of its own (not a store's pool): one implementation with the bench's. */
export { withPostgres };

/** MySQL or MariaDB for the store tests. Shared with other tests: work in a database of your own (createTestDatabase). */
export const mysqlService: NetworkService = {
  name: 'MySQL/MariaDB',
  url: process.env.CONFAB_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
  env: 'CONFAB_TEST_MYSQL_URL',
  where: () => redactUrl(mysqlService.url),
  install: 'start MariaDB 10.6+ or MySQL 8.0+ with a database `test` and a passwordless root on 127.0.0.1 (.ci/run does)',
  async probe() {
    await withMysql(mysqlService.url, (connection) => connection.query('select 1'));
  },
};

export interface TestDatabase {
  name: string;
  /** The URL of this database, for a store or a server. */
  url: string;
  /** Drops the database and everything in it; close the stores using it first. */
  drop(): Promise<void>;
}

/** A new, empty database `confab_test_<random>` on the MySQL/MariaDB server (MySQL's schemas are databases). */
export async function createTestDatabase(baseUrl = mysqlService.url): Promise<TestDatabase> {
  const name = randomTestName();
  await withMysql(baseUrl, (connection) => connection.query(`create database ${name} character set utf8mb4`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await withMysql(baseUrl, (connection) => connection.query(`drop database if exists ${name}`));
    },
  };
}

/**
 * MySQL/MariaDB have no database copy: a copy here is a new database with each of the template's
 * tables made as `show create table` gives it (indexes, foreign keys, generated columns, the next
 * AUTO_INCREMENT value) and the rows the migrations seeded copied over, generated columns left to
 * be computed. The template is read once; nothing but tables is in it (no views, triggers or
 * routines: mysql-migrations.ts makes none).
 */
export async function createMysqlTemplate(
  migrate: (url: string) => Promise<void>,
  baseUrl = mysqlService.url,
): Promise<TestDatabaseTemplate> {
  const template = await createTestDatabase(baseUrl);
  try {
    await migrate(template.url);
    const tables = await withMysql(template.url, async (connection) => {
      const [names] = await connection.query(
        `select table_name as name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE' order by table_name`,
        [template.name],
      );
      const [columns] = await connection.query(
        `select table_name as name, column_name as col from information_schema.columns
         where table_schema = ? and extra not like '%GENERATED%' and extra not in ('VIRTUAL', 'PERSISTENT', 'STORED')
         order by table_name, ordinal_position`,
        [template.name],
      );
      const copyable = (columns as { name: string; col: string }[]).reduce((byTable, { name, col }) => {
        byTable.set(name, [...(byTable.get(name) ?? []), `\`${col}\``]);
        return byTable;
      }, new Map<string, string[]>());
      return Promise.all(
        (names as { name: string }[]).map(async ({ name }) => {
          const [[created]] = (await connection.query(`show create table \`${name}\``)) as unknown as [Record<string, string>[]];
          const [[counted]] = (await connection.query(`select count(*) as n from \`${name}\``)) as unknown as [{ n: number }[]];
          return { name, create: created!['Create Table']!, columns: Number(counted!.n) > 0 ? copyable.get(name)!.join(', ') : undefined };
        }),
      );
    });
    return {
      copy: async () => {
        const database = await createTestDatabase(baseUrl);
        await withMysql(database.url, async (connection) => {
          // Without the checks a table's foreign key may name a table made after it, and rows go in any order.
          await connection.query('set foreign_key_checks = 0');
          for (const table of tables) await connection.query(table.create);
          for (const { name, columns } of tables) {
            if (columns !== undefined) {
              await connection.query(`insert into \`${name}\` (${columns}) select ${columns} from \`${template.name}\`.\`${name}\``);
            }
          }
        });
        return database;
      },
      drop: () => template.drop(),
    };
  } catch (error) {
    await template.drop();
    throw error;
  }
}

/** Runs `use` on a short-lived connection of its own. */
export async function withMysql<T>(url: string, use: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const parsed = new URL(url);
  const connection = await mysql.createConnection({
    host: parsed.hostname,
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    connectTimeout: 2000,
    charset: 'UTF8MB4_BIN',
  });
  try {
    return await use(connection);
  } finally {
    await connection.end().catch(() => {});
  }
}

/** `confab_test_<random>`: a schema or database name no other test (or worker) picks. */
function randomTestName(): string {
  return `confab_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
}
