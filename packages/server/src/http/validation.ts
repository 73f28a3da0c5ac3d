import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Two validators: bodies are checked as sent (no type coercion: `"5"` is not a number), while
 * query strings and path params, which are always text, are coerced to their schema's types.
 * Neither strips unknown fields; schemas with `additionalProperties: false` reject them.
 */
function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ removeAdditional: false, useDefaults: true, allErrors: false, strict: false, ...options });
  addFormats.default(ajv);
  return ajv;
}

const bodyAjv = makeAjv({ coerceTypes: false });
const textAjv = makeAjv({ coerceTypes: 'array' });

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object);

/**
 * Checks a value against a request body schema by the rules the routes apply, for input that
 * comes another way (the `confab` CLI): each problem as `field: message`, none when it is valid.
 */
export function bodyProblems(schema: object, value: unknown): string[] {
  const validate = bodyAjv.compile(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath.slice(1).replaceAll('/', '.') || 'value'}: ${error.message ?? 'is not valid'}`);
}
