/**
 * The MySQL/MariaDB server errors the store acts on, by their numbers (the `errno` mysql2 gives
 * every server error), and the constraint a duplicate-key error names.
 */
import { NETWORK_ERROR_CODES } from '../unavailable.js';

/** ER_DUP_ENTRY: a unique or primary key refused a row. */
export const DUPLICATE_ENTRY = 1062;
/** ER_LOCK_DEADLOCK: InnoDB chose this transaction as a deadlock's victim and rolled it back. */
export const LOCK_DEADLOCK = 1213;
/** ER_LOCK_WAIT_TIMEOUT: a row lock was not granted within innodb_lock_wait_timeout. */
export const LOCK_WAIT_TIMEOUT = 1205;

const errnoOf = (error: unknown): number | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { errno?: unknown }).errno === 'number'
    ? (error as { errno: number }).errno
    : undefined;

/**
 * The key's name when `error` is a duplicate-key error. MariaDB says `for key 'users_email_verified'`,
 * MySQL 8.0.19+ `for key 'users.users_email_verified'`: the table prefix is dropped, so both name it alike.
 */
export function mysqlUniqueViolation(error: unknown): string | undefined {
  if (errnoOf(error) !== DUPLICATE_ENTRY) return undefined;
  const message = (error as { message?: unknown }).message;
  const key = typeof message === 'string' ? /for key '([^']+)'/.exec(message)?.[1] : undefined;
  return key === undefined ? 'unknown' : key.slice(key.lastIndexOf('.') + 1);
}

/**
 * A deadlock victim (rolled back whole) or a lock wait that timed out (the statement rolled back,
 * the transaction is then rolled back by Kysely): running the transaction again is the answer.
 */
export function isRetryableMysqlError(error: unknown): boolean {
  const errno = errnoOf(error);
  return errno === LOCK_DEADLOCK || errno === LOCK_WAIT_TIMEOUT;
}

/** Node's codes for a server that cannot be reached, and mysql2's for one that went away mid-conversation. */
const NETWORK_CODES = new Set([...NETWORK_ERROR_CODES, 'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT']);
/**
 * ER_SERVER_SHUTDOWN (1053), ER_CONNECTION_KILLED (MariaDB 1927), CR_SERVER_GONE_ERROR (2006),
 * CR_SERVER_LOST (2013), and MySQL 8.0.24+'s ER_CLIENT_INTERACTION_TIMEOUT (4031: the server closed
 * a connection idle past wait_timeout, and says so on its next query).
 */
const UNAVAILABLE_ERRNOS = new Set([1053, 1927, 2006, 2013, 4031]);

/**
 * The server could not be reached, or went away (a restart, a network cut): what the store
 * answers as 503 `unavailable` (StoreUnavailable), as the PostgreSQL store does. mysql2 also
 * refuses a query on a connection it has seen close, with a message and no code.
 */
export function isMysqlUnavailable(error: unknown): boolean {
  let current = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    const errno = errnoOf(current);
    if (errno !== undefined && UNAVAILABLE_ERRNOS.has(errno)) return true;
    if (/connection is in closed state|Connection lost|connect ETIMEDOUT/i.test(current.message)) return true;
    if (current instanceof AggregateError && current.errors.some(isMysqlUnavailable)) return true;
    current = current.cause;
  }
  return false;
}
