import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import { type ErrorDetailItem, STRING_FORMATS, type StringFormatName } from '@confab/protocol';

/**
 * The one schema validator of every request and client frame (Ajv), with the protocol's string
 * formats (`text`, `line`, `visible-text`, `visible-line`): a string field of any route or frame
 * is checked here, by its schema, never by hand in a service. Neither instance strips unknown
 * fields; schemas with `additionalProperties: false` reject them.
 */
function createAjv(options: Options): Ajv {
  const ajv = new Ajv({ removeAdditional: false, useDefaults: true, allErrors: false, strict: false, discriminator: true, ...options });
  addFormats.default(ajv);
  for (const [name, format] of Object.entries(STRING_FORMATS)) ajv.addFormat(name, { type: 'string', validate: format.check });
  return ajv;
}

/** JSON bodies and frames, checked as sent: no type coercion (`"5"` is not a number). */
export const jsonValidator = createAjv({ coerceTypes: false });
/** Query strings and path parameters, which are always text: coerced to their schema's types. */
export const textValidator = createAjv({ coerceTypes: 'array' });

const pointerSegment = (name: string) => name.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Ajv's errors as error details under `prefix` (`/body`, `/query`, `/params`; `""` in a frame).
 * A missing or unknown property is pointed at itself rather than at the object holding it.
 */
export function toDetails(errors: readonly ErrorObject[], prefix: string): ErrorDetailItem[] {
  // A union (`anyOf`: a value or null) fails once per branch and once as a whole, all at one
  // path: the field is named once, by its first (most specific) error.
  const seen = new Set<string>();
  return errors.flatMap((error) => {
    const params = error.params as Record<string, unknown>;
    let path = prefix + error.instancePath;
    if (error.keyword === 'required') path += `/${pointerSegment(String(params.missingProperty))}`;
    if (error.keyword === 'additionalProperties') path += `/${pointerSegment(String(params.additionalProperty))}`;
    if (error.keyword === 'discriminator') path += `/${pointerSegment(String(params.tag))}`;
    const format = error.keyword === 'format' ? STRING_FORMATS[params.format as StringFormatName] : undefined;
    const message = format?.message ?? error.message ?? 'is not valid';
    if (seen.has(path)) return [];
    seen.add(path);
    return [Object.keys(params).length > 0 ? { path, message, params } : { path, message }];
  });
}
