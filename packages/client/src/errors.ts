import type { Draft, ErrorCode } from '@confab/protocol';

/** A structured error answered by the server (HTTP or WebSocket). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network_error',
    message: string,
    readonly details?: unknown,
    /** With `rate_limited`: how long to wait before trying again, ms. */
    readonly retryAfterMs?: number,
    /** With `draft_conflict`: my draft as stored now (null: none), to show beside what I typed. */
    readonly draft?: Draft | null,
    /** With `epoch_conflict`: the conversation's current MLS epoch (apply the commits up to it, then commit again). */
    readonly epoch?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
