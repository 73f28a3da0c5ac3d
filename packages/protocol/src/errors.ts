import Type, { type Static } from 'typebox';

/**
 * The error catalogue: every machine-readable code the API can answer with, and the HTTP status
 * it maps to. The server maps errors to responses from this table only; clients switch on `code`.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  malformed_json: 400,
  unknown_frame: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  token_expired: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  username_taken: 409,
  already_member: 409,
  idempotency_conflict: 409,
  conflict: 409,
  cursor_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  upgrade_required: 426,
  rate_limited: 429,
  too_many_connections: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ErrorCodeSchema = Type.Union(
  (Object.keys(ERROR_STATUS) as ErrorCode[]).map((code) => Type.Literal(code)),
);

export const ErrorDetail = Type.Object(
  {
    code: ErrorCodeSchema,
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  },
  { title: 'ErrorDetail' },
);
export type ErrorDetail = Static<typeof ErrorDetail>;

export const ErrorResponse = Type.Object({ error: ErrorDetail }, { title: 'ErrorResponse' });
export type ErrorResponse = Static<typeof ErrorResponse>;

/** WebSocket close codes the gateway uses (4000-4999 is the application range). */
export const CLOSE_CODES = {
  /** Normal shutdown of one connection. */
  normal: 1000,
  /** The server is shutting down: reconnect (to another node). */
  goingAway: 1001,
  /** The client could not keep up; reconnect and resume. */
  tryAgainLater: 1013,
  /** Missing, invalid or expired access token. */
  unauthorized: 4401,
  /** The session was revoked (logout). */
  sessionRevoked: 4403,
  /** The user has too many open sockets. */
  tooManyConnections: 4429,
} as const;
