import type { ErrorCode } from '@confab/protocol';

/** A structured error answered by the server (HTTP or WebSocket). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network_error',
    message: string,
    readonly details?: unknown,
    /** With `rate_limited`: how long to wait before trying again, ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
