import Type, { type Static } from 'typebox';
import { Draft } from './drafts.js';

/**
 * The error catalogue: every machine-readable code the API can answer with, and the HTTP status
 * it maps to. The server maps errors to responses from this table only; clients switch on `code`.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_token: 400,
  malformed_json: 400,
  /** A Web Push endpoint that is not an allowed push service at a public address (issue 35: SSRF). */
  push_endpoint_refused: 400,
  unknown_frame: 400,
  /** A `scheduledAt` sooner than the minimum lead (a minute) or more than a year ahead (issue 37). */
  schedule_out_of_range: 400,
  /** A plain `body` (or any content but an MLS message) sent into an end-to-end encrypted conversation (issue 39). */
  encrypted_conversation: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  token_expired: 401,
  forbidden: 403,
  wrong_password: 403,
  registration_closed: 403,
  invite_invalid: 403,
  account_deactivated: 403,
  // Assist (issue 40) is off for the instance (ASSIST=off) or for me.
  assist_disabled: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  username_taken: 409,
  email_taken: 409,
  already_member: 409,
  idempotency_conflict: 409,
  // A draft saved on a version another device has moved past (issue 37): the body carries the current draft.
  draft_conflict: 409,
  device_revoked: 409,
  /** An MLS commit made at an epoch that is not the conversation's current one (issue 39): the body carries `epoch`. */
  epoch_conflict: 409,
  /** A device link approved, declined or taken already: each is answered and taken once (issue 39 part 4). */
  link_used: 409,
  conflict: 409,
  // A block, either way, or a deactivated account on the other side of a direct conversation (issue 35).
  blocked: 409,
  user_deactivated: 409,
  cursor_expired: 410,
  /** A device link past its ten minutes (issue 39 part 4): ask for a new one. */
  link_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  upgrade_required: 426,
  rate_limited: 429,
  too_many_connections: 429,
  headers_too_large: 431,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

// An enum, not a union of literals mapped from a list: the union's static type would be `never`.
export const ErrorCodeSchema = Type.Enum(Object.keys(ERROR_STATUS) as ErrorCode[]);

/**
 * One specific of an error, the one shape of `details` everywhere (REST, frames, services).
 * `path` is a JSON Pointer to what it is about: in a REST request `/body/…`, `/query/…` or
 * `/params/…`; in a frame, a pointer into the frame (`/clientId`); `""` for the request or frame
 * as a whole, or for something outside it (a dependency of `GET /readyz`).
 */
export const ErrorDetailItem = Type.Object(
  {
    path: Type.String({
      description:
        'JSON Pointer to the value concerned: `/body/clientId`, `/query/q`, `/params/id`; in a frame `/clientId`; "" for the whole',
    }),
    message: Type.String({ description: 'What is wrong, for people' }),
    params: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: 'Machine-readable specifics, e.g. `limit`, `missingProperty`, `format`' }),
    ),
  },
  { title: 'ErrorDetailItem' },
);
export type ErrorDetailItem = Static<typeof ErrorDetailItem>;

export const ErrorDetail = Type.Object(
  {
    code: ErrorCodeSchema,
    message: Type.String(),
    details: Type.Optional(Type.Array(ErrorDetailItem)),
    retryAfterMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'With `rate_limited`: how long to wait before trying again, ms (HTTP also sends Retry-After)',
      }),
    ),
    epoch: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: "With `epoch_conflict`: the conversation's current MLS epoch; apply the commits up to it, then commit again",
      }),
    ),
    draft: Type.Optional(
      Type.Union([Draft, Type.Null()], {
        description: 'With `draft_conflict`: the draft as stored now (null: none was ever saved; send version 0)',
      }),
    ),
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
  /** The client kept sending frames past its rate limit (docs/realtime.md "Limits"). */
  policyViolation: 1008,
  /** The client could not keep up; reconnect and resume. */
  tryAgainLater: 1013,
  /** Missing, invalid or expired access token. */
  unauthorized: 4401,
  /** The session was revoked (logout). */
  sessionRevoked: 4403,
  /** The user has too many open sockets. */
  tooManyConnections: 4429,
} as const;
