import type { Draft, ErrorCode, HeldMessage } from '@confab/protocol';

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

/**
 * A request whose effect is not known (the server unreached, or a 5xx), as opposed to a refusal:
 * what it did or would have answered may come another time.
 */
export function unknownOutcome(error: unknown): boolean {
  return error instanceof ApiError && (error.code === 'network_error' || error.status >= 500);
}

/**
 * A send the instance's spam model held for an admin's review (issue 40; docs/assist.md): it was
 * stored, but reaches nobody until an admin releases it. Sending it again answers the same.
 */
export class MessageHeldError extends Error {
  constructor(readonly held: HeldMessage) {
    super('This message awaits review by an administrator');
    this.name = 'MessageHeldError';
  }
}
