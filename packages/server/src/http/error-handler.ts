import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, HTTPMethods } from 'fastify';
import { ERROR_STATUS, type ErrorCode, type ErrorDetail } from '@confab/protocol';
import { AppError, toErrorBody } from '../errors.js';
import { toDetails } from '../schema-validator.js';
import { isAppPage, sendAppPage } from './web-app.js';

/** Framework errors that are the client's fault, by Fastify error code. */
const FRAMEWORK_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'The request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'Send JSON (Content-Type: application/json)' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'validation_failed', message: 'Content-Length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'malformed_json', message: 'The request body is empty but Content-Type is JSON' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'malformed_json', message: 'The request body is not valid JSON' },
  FST_ERR_BAD_URL: { code: 'validation_failed', message: 'The URL is not valid (bad percent-encoding)' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'validation_failed', message: 'A path parameter is too long' },
};

/** Where each part of a request sits in an error detail's `path`. */
const PART: Record<string, string> = { body: '/body', querystring: '/query', params: '/params', headers: '/headers' };

/**
 * The methods probed to tell a wrong method (405) from a path that does not exist (404). Not
 * OPTIONS: @fastify/cors answers it on every path (`OPTIONS *`), which would make every path exist.
 */
const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Fastify's `frameworkErrors` option: the router's own errors, raised before any route or error
 * handler runs (bad percent-encoding, an over-long path parameter), in the same envelope.
 */
export function sendFrameworkError(error: FastifyError, _request: unknown, reply: FastifyReply): void {
  const known = FRAMEWORK_ERRORS[error.code] ?? { code: 'internal' as const, message: 'Internal server error' };
  void reply.status(ERROR_STATUS[known.code]).send({ error: known });
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before there is a request
 * (headers over the size limit, a request that took too long to arrive, bytes that are not HTTP),
 * answered in the envelope too, then the connection closed as Node would.
 */
export function sendClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known: { code: ErrorCode; message: string } =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? { code: 'headers_too_large', message: 'The request headers are too large' }
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? { code: 'request_timeout', message: 'The request did not arrive in time' }
        : { code: 'validation_failed', message: 'The request is not valid HTTP' };
  const status = ERROR_STATUS[known.code];
  const body = JSON.stringify({ error: known });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** The one place errors become HTTP responses. Unknown errors are logged and leak nothing. */
export function installErrorHandler(app: FastifyInstance, options: { webApp?: boolean } = {}): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      // An outage (the database went away): the client gets 503 `unavailable`, the log the cause.
      if (error.status >= 500 && error.cause !== undefined) request.log.warn({ err: error.cause }, error.message);
      const body = toErrorBody(error).body;
      if (body.retryAfterMs !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(body.retryAfterMs / 1000))));
      return reply.status(error.status).send({ error: inRequest(body) });
    }
    if (error.validation) {
      const details = toDetails(error.validation, PART[error.validationContext ?? 'body'] ?? '');
      const first = details[0];
      const message = first ? `Invalid request: ${first.path} ${first.message}` : 'Invalid request';
      return reply.status(400).send({ error: { code: 'validation_failed', message, details } });
    }
    const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
    if (known) return reply.status(ERROR_STATUS[known.code]).send({ error: known });
    if (error instanceof SyntaxError && error.statusCode === 400) {
      return reply.status(400).send({ error: { code: 'malformed_json', message: 'The request body is not valid JSON' } });
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(400).send({ error: { code: 'validation_failed', message: error.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: toErrorBody(error).body });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length > 0) {
      const error = { code: 'method_not_allowed', message: `${request.method} is not allowed on ${path}: use ${allowed.join(', ')}` };
      return reply.status(405).header('allow', allowed.join(', ')).send({ error });
    }
    if (options.webApp && isAppPage(request)) return sendAppPage(reply);
    return reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${path}` } });
  });
}

/** A service's detail paths point into the payload it was given: over REST, the request body. */
function inRequest(body: ErrorDetail): ErrorDetail {
  if (body.details === undefined) return body;
  return { ...body, details: body.details.map((d) => (d.path === '' ? d : { ...d, path: `/body${d.path}` })) };
}
