import type { ErrorCode } from '@confab/protocol';

/** A structured error answered by the server (HTTP or WebSocket). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network_error',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
