import { DatabaseError } from 'pg';
import { describe, expect, it } from 'vitest';
import { isPostgresUnavailable, postgresUniqueViolation } from './postgres-errors.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });
const sqlError = (code: string, constraint?: string) => Object.assign(new DatabaseError('failed', 0, 'error'), { code, constraint });

describe('PostgreSQL error classification', () => {
  it('counts a missing or lost server as unavailable', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND'])
      expect(isPostgresUnavailable(withCode(code)), code).toBe(true);
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '53300'])
      expect(isPostgresUnavailable(sqlError(code)), code).toBe(true);
    expect(isPostgresUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isPostgresUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isPostgresUnavailable(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(isPostgresUnavailable(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]))).toBe(true);
    expect(isPostgresUnavailable(new Error('wrapped', { cause: withCode('ECONNRESET') }))).toBe(true);
  });

  it('does not count a failing statement as unavailable', () => {
    for (const code of ['23505', '42P01', '40001', '40P01', '22003']) expect(isPostgresUnavailable(sqlError(code)), code).toBe(false);
    expect(isPostgresUnavailable(new Error('syntax error'))).toBe(false);
    expect(isPostgresUnavailable('ECONNREFUSED')).toBe(false);
    expect(isPostgresUnavailable(undefined)).toBe(false);
  });

  it('reports a unique violation with its constraint', () => {
    expect(postgresUniqueViolation(sqlError('23505', 'users_username_lower_key'))).toBe('users_username_lower_key');
    expect(postgresUniqueViolation(sqlError('23503', 'members_user_id_fkey'))).toBeUndefined();
    expect(postgresUniqueViolation(withCode('23505'))).toBeUndefined();
  });
});
