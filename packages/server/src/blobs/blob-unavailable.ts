import { AppError } from '../errors.js';

/**
 * The file storage could not be reached, or failed on its side (an S3 endpoint refusing
 * connections, timing out, answering 5xx). An AppError, so every transport renders it as 503
 * `unavailable` instead of a bare 500, as a database outage is (store/unavailable.ts); the
 * driver's error stays in `cause` for the logs.
 */
export class BlobStoreUnavailable extends AppError {
  constructor(cause: unknown) {
    super('unavailable', 'File storage is not reachable; try again shortly');
    this.name = 'BlobStoreUnavailable';
    this.cause = cause;
  }
}
