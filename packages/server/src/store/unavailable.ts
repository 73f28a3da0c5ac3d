import { AppError } from '../errors.js';

/**
 * The database could not be reached (refused, reset, shut down, timed out). An AppError, so every
 * transport renders it from the catalogue as 503 `unavailable` instead of a bare 500; the driver
 * error stays in `cause` for the logs. Engines whose database is remote raise it from the one
 * place their driver is called (store/postgres/guarded-pool.ts).
 */
export class StoreUnavailable extends AppError {
  constructor(cause: unknown) {
    super('unavailable', 'The database is not reachable; try again shortly');
    this.name = 'StoreUnavailable';
    this.cause = cause;
  }
}

/** Socket errors that mean a database server is not there (or went away), not that a query was wrong; each engine's check adds its own. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
