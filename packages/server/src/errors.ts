import { type Draft, ERROR_STATUS, type ErrorCode, type ErrorDetail, type ErrorDetailItem } from '@confab/protocol';

/**
 * The one error type services throw. HTTP routes and WebSocket handlers both render it from the
 * catalogue in @confab/protocol, so a rule broken over either transport answers the same code.
 * A detail's `path` points into the payload the service was given — a frame, or a REST request's
 * body (where the HTTP error handler puts it under `/body`); `""` is not about one field.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetailItem[],
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message: string) => new AppError('forbidden', message);
export const invalid = (message: string, details?: ErrorDetailItem[]) => new AppError('validation_failed', message, details);
/** One error detail (see ErrorDetailItem in @confab/protocol). */
export const detail = (path: string, message: string, params?: Record<string, unknown>): ErrorDetailItem =>
  params === undefined ? { path, message } : { path, message, params };
export const unauthenticated = (message = 'Sign in first: send a valid access token') => new AppError('unauthenticated', message);

/**
 * A valid token of a session that has ended (logout, or a replayed refresh token): 401 over HTTP
 * like any bad token, but the WebSocket closes with 4403 so clients stop instead of refreshing.
 */
export class SessionRevoked extends AppError {
  constructor() {
    super('unauthenticated', 'This session has ended: sign in again');
    this.name = 'SessionRevoked';
  }
}

/**
 * A draft saved on a version another device has moved past (issue 37): 409 `draft_conflict`,
 * carrying the draft as stored (null: none), so the device can show both texts and choose.
 */
export class DraftConflict extends AppError {
  constructor(readonly draft: Draft | null) {
    super('draft_conflict', 'This draft was changed on another device: the current draft is in `draft`');
    this.name = 'DraftConflict';
  }
}

/**
 * An MLS commit made in an epoch that is not its conversation's current one (issue 39): 409
 * `epoch_conflict` with the current epoch, so the device applies what it missed and commits again.
 */
export class EpochConflict extends AppError {
  constructor(readonly epoch: number) {
    super('epoch_conflict', `This commit was made in another epoch than the conversation's current one (${epoch})`);
    this.name = 'EpochConflict';
  }
}

/** Renders any thrown value as the wire error; unknown errors leak nothing. */
export function toErrorBody(error: unknown): { status: number; body: ErrorDetail } {
  if (error instanceof AppError) {
    const body: ErrorDetail = {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    };
    // A rate limit's refusal says when to come back (RateLimited, services/rate-limits.ts).
    const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
    if (typeof retryAfterMs === 'number') body.retryAfterMs = Math.max(0, Math.ceil(retryAfterMs));
    // A refused draft save says what is stored now (DraftConflict, services/drafts/draft-service.ts).
    if (error instanceof DraftConflict) body.draft = error.draft;
    if (error instanceof EpochConflict) body.epoch = error.epoch;
    return { status: error.status, body };
  }
  return { status: 500, body: { code: 'internal', message: 'Internal server error' } };
}
