import type { FastifySchemaCompiler } from 'fastify';
import { invalid } from '../errors.js';
import { jsonValidator, textValidator, toDetails } from '../schema-validator.js';

/**
 * Fastify's schema compiler: bodies are checked as sent, query strings and path params (always
 * text) coerced to their schema's types, both with the protocol's string formats
 * (schema-validator.ts, shared with the WebSocket frames).
 */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? jsonValidator : textValidator).compile(schema as object);

/**
 * Checks a value against a request body schema by the rules the routes apply, for input that
 * comes another way (the `confab` CLI): each problem as `field: message`, none when it is valid.
 */
export function bodyProblems(schema: object, value: unknown): string[] {
  const validate = jsonValidator.compile(schema);
  if (validate(value)) return [];
  return toDetails(validate.errors ?? [], '').map((detail) => `${detail.path.slice(1).replaceAll('/', '.') || 'value'}: ${detail.message}`);
}

/**
 * The query string parser passes a value whose percent-encoding is not UTF-8 (`%ED%A0%80`, an
 * encoded lone surrogate; `%FF`) on undecoded, as if it were text; refuse it as the router
 * refuses such a path.
 */
export function checkQueryEncoding(url: string): void {
  const start = url.indexOf('?');
  if (start === -1) return;
  try {
    decodeURIComponent(url.slice(start + 1).replace(/[&=+]/g, ' '));
  } catch {
    throw invalid('The query string is not valid (bad percent-encoding)');
  }
}
