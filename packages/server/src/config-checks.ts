import { chooseBlobStore } from './blob-config.js';
import type { Config } from './config.js';
import type { EnvReader } from './env-reader.js';

/**
 * The rules between settings, and the URL checks each needs: run by `loadConfig` once every
 * variable is read alone, adding to the same list of problems. Also decides the blob store,
 * which depends on the database.
 */
export function checkAcross(config: Config, read: EnvReader, problems: string[]): void {
  // Node refuses a headersTimeout longer than its requestTimeout.
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    problems.push(`HEADERS_TIMEOUT_MS (${config.headersTimeoutMs}) must not exceed REQUEST_TIMEOUT_MS (${config.requestTimeoutMs})`);
  }
  if (config.messagesPageSize > config.messagesPageMax) {
    problems.push(`MESSAGES_PAGE_SIZE (${config.messagesPageSize}) must not exceed MESSAGES_PAGE_MAX (${config.messagesPageMax})`);
  }
  if (config.databaseUrl !== null && !/^(sqlite:|postgres(ql)?:\/\/|mysql:\/\/|mariadb:\/\/)/.test(config.databaseUrl)) {
    problems.push(
      `DATABASE_URL: expected sqlite:<path>, postgres://user@host:port/database or mysql://user@host:port/database (got a ${config.databaseUrl.split(':')[0]} URL)`,
    );
  }
  if (config.redisUrl !== null && !isRedisUrl(config.redisUrl)) {
    // The value is not echoed: it may carry a password.
    problems.push('REDIS_URL: expected a redis://host:port or rediss://host:port URL');
  }
  if (!/^[\x21-\x7e]{1,64}$/.test(config.redisChannelPrefix)) {
    problems.push(`REDIS_CHANNEL_PREFIX: expected 1 to 64 printable ASCII characters without spaces, got "${config.redisChannelPrefix}"`);
  }
  if (config.jwtSecret !== null && config.jwtSecret.length < 32) {
    problems.push('JWT_SECRET: must be at least 32 characters');
  }
  // A secret generated per node would make each node refuse the others' tokens (decision 0006).
  if (config.jwtSecret === null && (isSharedDatabaseUrl(config.databaseUrl) || (config.redisUrl !== null && isRedisUrl(config.redisUrl)))) {
    problems.push(
      'JWT_SECRET: required with a PostgreSQL or MySQL DATABASE_URL or a REDIS_URL, where several nodes may serve one deployment: set the same secret (32+ characters) on every node',
    );
  }
  config.blobStore = chooseBlobStore(
    read,
    config.s3,
    isPostgresUrl(config.databaseUrl) ? 'postgres' : isMysqlUrl(config.databaseUrl) ? 'mysql' : null,
    problems,
  );
  for (const origin of config.corsOrigins) {
    if (origin === '*' || !isOrigin(origin))
      problems.push(`CORS_ORIGINS: expected exact origins such as https://chat.example.com, got "${origin}"`);
  }
  if (config.metricsToken !== null && config.metricsToken.length < 16) problems.push('METRICS_TOKEN: must be at least 16 characters');
}

export function isPostgresUrl(value: string | null): boolean {
  return value !== null && /^postgres(ql)?:\/\//.test(value);
}

/** `mysql://…` or `mariadb://…`: MySQL 8.0+ or MariaDB 10.6+. */
export function isMysqlUrl(value: string | null): boolean {
  return value !== null && /^(mysql|mariadb):\/\//.test(value);
}

/** A database several nodes may share (PostgreSQL, MySQL): the token secret and the files must be shared too. */
export function isSharedDatabaseUrl(value: string | null): boolean {
  return isPostgresUrl(value) || isMysqlUrl(value);
}

/** An origin as browsers send it: scheme, host and port only, no path or trailing slash. */
function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}
