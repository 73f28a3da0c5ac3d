import { describe, expect, it } from 'vitest';
import { isMysqlUnavailable, isRetryableMysqlError, mysqlUniqueViolation } from './mysql-errors.js';

const serverError = (errno: number, message: string) => Object.assign(new Error(message), { errno });

describe('MySQL errors', () => {
  it('names the key of a duplicate entry alike on MariaDB and MySQL 8 (which prefixes the table)', () => {
    expect(mysqlUniqueViolation(serverError(1062, "Duplicate entry 'a' for key 'users_email_verified'"))).toBe('users_email_verified');
    expect(mysqlUniqueViolation(serverError(1062, "Duplicate entry 'a' for key 'users.username_lower'"))).toBe('username_lower');
    expect(mysqlUniqueViolation(serverError(1452, 'Cannot add or update a child row'))).toBeUndefined();
    expect(mysqlUniqueViolation(new Error('no errno'))).toBeUndefined();
  });

  it('runs again a deadlock victim and a lock wait timeout, nothing else', () => {
    expect(isRetryableMysqlError(serverError(1213, 'Deadlock found'))).toBe(true);
    expect(isRetryableMysqlError(serverError(1205, 'Lock wait timeout exceeded'))).toBe(true);
    expect(isRetryableMysqlError(serverError(1062, 'Duplicate entry'))).toBe(false);
    expect(isRetryableMysqlError('1213')).toBe(false);
  });

  it('tells a server that is down or went away from a statement that failed', () => {
    const network = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
    expect(isMysqlUnavailable(network('ECONNREFUSED'))).toBe(true);
    expect(isMysqlUnavailable(network('PROTOCOL_CONNECTION_LOST'))).toBe(true);
    expect(isMysqlUnavailable(serverError(1053, 'Server shutdown in progress'))).toBe(true);
    expect(isMysqlUnavailable(serverError(1927, 'Connection was killed'))).toBe(true);
    expect(isMysqlUnavailable(serverError(4031, 'The client was disconnected by the server because of inactivity'))).toBe(true);
    expect(isMysqlUnavailable(new Error("Can't add new command when connection is in closed state"))).toBe(true);
    expect(isMysqlUnavailable(new AggregateError([network('ECONNREFUSED')], 'all addresses failed'))).toBe(true);
    expect(isMysqlUnavailable(serverError(1213, 'Deadlock found'))).toBe(false);
    expect(isMysqlUnavailable(serverError(1062, 'Duplicate entry'))).toBe(false);
  });
});
