/**
 * A PostgreSQL schema (or a MySQL/MariaDB database) and a Redis prefix of the bench's own, for
 * Confab nodes as a cluster runs them (DATABASE_URL + REDIS_URL): the store comparison's nodes and
 * the idle phase's cluster node. `cleanup` drops both; an interrupted run leaves the schema named
 * in its log. Without a Redis URL the nodes run on the in-memory bus (one node alone).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';

export interface ClusterSpace {
  /** The nodes' environment: the database (search_path set to the schema), Redis, a shared JWT secret. */
  env: Record<string, string>;
  /** Names the nodes' PostgreSQL sessions, so a sampler can watch theirs alone (postgres-waits.ts). */
  applicationName: string;
  /** The database server as it names itself, for the report: "PostgreSQL 15.14", "MariaDB 10.11.14". */
  engine: string;
  /** The schema (PostgreSQL) or database (MySQL/MariaDB) made, and the statement that drops it, for a run that keeps it. */
  name: string;
  dropStatement: string;
  cleanup(): Promise<void>;
}

export async function makeClusterSpace(postgresUrl: string, redisUrl: string | null, log: (text: string) => void): Promise<ClusterSpace> {
  if (/^(mysql|mariadb):/.test(postgresUrl)) return makeMysqlSpace(postgresUrl, redisUrl, log);
  const id = randomBytes(6).toString('hex');
  const schema = `confab_bench_${id}`;
  const prefix = `confab-bench:${id}:`;
  const version = await withPostgres(postgresUrl, async (client) => {
    const { rows } = await client.query<{ v: string }>(`select current_setting('server_version') as v`);
    await client.query(`create schema ${schema}`);
    return rows[0]!.v;
  });
  log(`made schema ${schema}${redisUrl === null ? '' : ` and Redis prefix ${prefix}`}`);
  const databaseUrl = new URL(postgresUrl);
  databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
  const applicationName = `confab-bench-${id}`;
  databaseUrl.searchParams.set('application_name', applicationName);
  return {
    env: {
      DATABASE_URL: databaseUrl.toString(),
      // Nodes × pool size stays well below PostgreSQL's default max_connections (100), shared with others.
      DATABASE_POOL_SIZE: '8',
      ...busEnv(redisUrl, prefix),
      JWT_SECRET: randomBytes(32).toString('hex'),
    },
    applicationName,
    engine: `PostgreSQL ${version.split(' ')[0]}`,
    name: schema,
    dropStatement: `drop schema if exists ${schema} cascade`,
    cleanup: async () => {
      await withPostgres(postgresUrl, (client) => client.query(`drop schema if exists ${schema} cascade`));
      if (redisUrl !== null) await deleteRedisKeys(redisUrl, prefix);
    },
  };
}

/** The same on MySQL/MariaDB: a database `confab_bench_<id>` (MySQL's schemas are databases). */
async function makeMysqlSpace(serverUrl: string, redisUrl: string | null, log: (text: string) => void): Promise<ClusterSpace> {
  const id = randomBytes(6).toString('hex');
  const database = `confab_bench_${id}`;
  const prefix = `confab-bench:${id}:`;
  const onServer = async (statement: string) => {
    const connection = await mysql.createConnection({ uri: serverUrl.replace(/^mariadb:/, 'mysql:'), connectTimeout: 5000 });
    try {
      const [rows] = await connection.query(statement);
      return rows;
    } finally {
      await connection.end();
    }
  };
  await onServer(`create database ${database} character set utf8mb4`);
  const [{ v }] = (await onServer('select version() as v')) as [{ v: string }];
  log(`made database ${database}${redisUrl === null ? '' : ` and Redis prefix ${prefix}`}`);
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${database}`;
  return {
    env: {
      DATABASE_URL: databaseUrl.toString(),
      DATABASE_POOL_SIZE: '8',
      ...busEnv(redisUrl, prefix),
      JWT_SECRET: randomBytes(32).toString('hex'),
    },
    applicationName: `confab-bench-${id}`,
    engine: mysqlEngine(v),
    name: database,
    dropStatement: `drop database if exists ${database}`,
    cleanup: async () => {
      await onServer(`drop database if exists ${database}`);
      if (redisUrl !== null) await deleteRedisKeys(redisUrl, prefix);
    },
  };
}

const busEnv = (redisUrl: string | null, prefix: string): Record<string, string> =>
  redisUrl === null ? {} : { REDIS_URL: redisUrl, REDIS_CHANNEL_PREFIX: prefix };

/** `10.11.14-MariaDB-0+deb12u2` → `MariaDB 10.11.14`; `8.0.40` → `MySQL 8.0.40`. */
export function mysqlEngine(version: string): string {
  const number = version.split('-')[0]!;
  return /mariadb/i.test(version) ? `MariaDB ${number}` : `MySQL ${number}`;
}

/** Runs `use` on a short-lived connection of its own (not a store's pool), giving up after 5 s without an answer. */
export async function withPostgres<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Pub/sub channels leave nothing behind; the presence tracker's keys are removed here. */
async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${globEscape(prefix)}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const globEscape = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');
