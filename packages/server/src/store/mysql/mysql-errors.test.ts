import { describe, expect, it } from 'vitest';
import { isRetryableMysqlError, mysqlUniqueViolation } from './mysql-errors.js';

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
});
