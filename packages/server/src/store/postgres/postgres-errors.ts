import { DatabaseError } from 'pg';
import { NETWORK_ERROR_CODES } from '../unavailable.js';

/** SQLSTATEs of a server shutting down, starting up or full; class 08 (connection exception) is checked by prefix. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** pg and pg-pool report a lost or timed-out connection with plain Errors. */
const UNAVAILABLE_MESSAGES = [/^Connection terminated/, /timeout exceeded when trying to connect/, /not queryable/];

/** True when `error` says PostgreSQL cannot be reached, as opposed to a statement failing. */
export function isPostgresUnavailable(error: unknown): boolean {
  let current = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')))
      return true;
    if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test((current as Error).message))) return true;
    // Node tries every address of a host name (IPv6 and IPv4) and reports all failures at once.
    if (current instanceof AggregateError && current.errors.some(isPostgresUnavailable)) return true;
    current = current.cause;
  }
  return false;
}

/** The constraint name when `error` is a unique violation (SQLSTATE 23505), else undefined. */
export function postgresUniqueViolation(error: unknown): string | undefined {
  if (error instanceof DatabaseError && error.code === '23505') return error.constraint ?? error.message;
  return undefined;
}
