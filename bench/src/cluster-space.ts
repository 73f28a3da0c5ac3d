/**
 * A PostgreSQL schema and a Redis prefix of the bench's own, for Confab nodes as a cluster runs
 * them (DATABASE_URL + REDIS_URL): the scale-out comparison's nodes and the idle phase's cluster
 * node. `cleanup` drops both; an interrupted run leaves the schema named in its log.
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
  cleanup(): Promise<void>;
}

export async function makeClusterSpace(postgresUrl: string, redisUrl: string, log: (text: string) => void): Promise<ClusterSpace> {
  if (/^(mysql|mariadb):/.test(postgresUrl)) return makeMysqlSpace(postgresUrl, redisUrl, log);
  const id = randomBytes(6).toString('hex');
  const schema = `confab_bench_${id}`;
  const prefix = `confab-bench:${id}:`;
  await withPostgres(postgresUrl, (client) => client.query(`create schema ${schema}`));
  log(`made schema ${schema} and Redis prefix ${prefix}`);
  const databaseUrl = new URL(postgresUrl);
  databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
  const applicationName = `confab-bench-${id}`;
  databaseUrl.searchParams.set('application_name', applicationName);
  return {
    env: {
      DATABASE_URL: databaseUrl.toString(),
      // Nodes × pool size stays well below PostgreSQL's default max_connections (100), shared with others.
      DATABASE_POOL_SIZE: '8',
      REDIS_URL: redisUrl,
      REDIS_CHANNEL_PREFIX: prefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
    },
    applicationName,
    cleanup: async () => {
      await withPostgres(postgresUrl, (client) => client.query(`drop schema if exists ${schema} cascade`));
      await deleteRedisKeys(redisUrl, prefix);
    },
  };
}

/** The same on MySQL/MariaDB: a database `confab_bench_<id>` (MySQL's schemas are databases). */
async function makeMysqlSpace(serverUrl: string, redisUrl: string, log: (text: string) => void): Promise<ClusterSpace> {
  const id = randomBytes(6).toString('hex');
  const database = `confab_bench_${id}`;
  const prefix = `confab-bench:${id}:`;
  const onServer = async (statement: string) => {
    const connection = await mysql.createConnection({ uri: serverUrl.replace(/^mariadb:/, 'mysql:'), connectTimeout: 5000 });
    try {
      await connection.query(statement);
    } finally {
      await connection.end();
    }
  };
  await onServer(`create database ${database} character set utf8mb4`);
  log(`made database ${database} and Redis prefix ${prefix}`);
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${database}`;
  return {
    env: {
      DATABASE_URL: databaseUrl.toString(),
      DATABASE_POOL_SIZE: '8',
      REDIS_URL: redisUrl,
      REDIS_CHANNEL_PREFIX: prefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
    },
    applicationName: `confab-bench-${id}`,
    cleanup: async () => {
      await onServer(`drop database if exists ${database}`);
      await deleteRedisKeys(redisUrl, prefix);
    },
  };
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
