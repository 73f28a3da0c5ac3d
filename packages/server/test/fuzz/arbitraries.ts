import fc from 'fast-check';

/** A JSON Schema as the OpenAPI document and the TypeBox frame schemas give it (the parts read here). */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
  nullable?: boolean;
}

/** Values that break naive code: the fuzz's vocabulary of wrong. */
export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    -0,
    1e308,
    -1e308,
    2 ** 53,
    -(2 ** 63),
    1.5,
    '',
    ' ',
    '0',
    '-1',
    'null',
    'true',
    '[]',
    '{}',
    '__proto__',
    'constructor',
    '../../etc/passwd',
    '%00',
    '\u0000',
    '\u202e\u0041',
    'a'.repeat(5000),
    '😀'.repeat(300),
    '\ud800',
    '\udfff\ud800',
    'x\ud83d',
    "'; drop table users; --",
    '${7*7}',
    '<script>alert(1)</script>',
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Any JSON value, scalars from the hostile list, nested a little. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileScalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype')), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

/** Ids that exist (seeded by the fuzz target) and ids that do not, for fields and parameters naming things. */
export function idArbitrary(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 4 }, { arbitrary: fc.string({ maxLength: 70 }), weight: 1 });
}

/**
 * Values valid (or nearly) for `schema`, so requests reach the services' rules, not only the
 * validator. Fields named like ids take known ids most of the time.
 */
export function fromSchema(
  schema: Schema,
  resolve: (ref: string) => Schema,
  ids: fc.Arbitrary<string>,
  name = '',
  depth = 0,
): fc.Arbitrary<unknown> {
  if (schema.$ref !== undefined) return fromSchema(resolve(schema.$ref), resolve, ids, name, depth);
  if (depth > 6) return hostileScalar;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union !== undefined) return fc.oneof(...union.map((s) => fromSchema(s, resolve, ids, name, depth + 1)));
  if (schema.allOf !== undefined && schema.allOf.length > 0) return fromSchema(schema.allOf[0]!, resolve, ids, name, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (/id$/i.test(name) || name === 'cursor') return ids;
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'email') return fc.emailAddress();
      if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 80), unit: 'grapheme' });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1_000_000, 2 ** 31) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(schema.items ? fromSchema(schema.items, resolve, ids, name, depth + 1) : hostileValue, {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, 5),
      });
    case 'object':
    default: {
      const properties = schema.properties ?? {};
      const record = Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, fromSchema(s, resolve, ids, key, depth + 1)]));
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
    }
  }
}

/** One way of spoiling a valid object: drop a field, add one, give one a wrong value, or replace the whole. */
export function mutate(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: valid, weight: 3 },
    fc.tuple(valid, fc.nat()).map(([v, n]) => {
      if (!isObject(v) || Object.keys(v).length === 0) return v;
      const copy = { ...v };
      delete copy[Object.keys(copy)[n % Object.keys(copy).length]!];
      return copy;
    }),
    fc.tuple(valid, fc.string({ maxLength: 12 }), hostileValue).map(([v, key, extra]) => (isObject(v) ? { ...v, [key]: extra } : v)),
    fc.tuple(valid, fc.nat(), hostileValue).map(([v, n, wrong]) => {
      if (!isObject(v) || Object.keys(v).length === 0) return wrong;
      return { ...v, [Object.keys(v)[n % Object.keys(v).length]!]: wrong };
    }),
    hostileValue,
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * How a body goes on the wire: JSON of the value, or text no serialiser would write — a
 * prototype-pollution key, a lone surrogate escape, raw bytes that are not UTF-8, deep nesting,
 * a body past the size limit, truncated JSON.
 */
export function encodings(value: unknown, bodyLimit: number): fc.Arbitrary<string | Uint8Array> {
  const json = JSON.stringify(value) ?? 'null';
  const inObject = (inner: string) => (json.startsWith('{') && json !== '{}' ? `{${inner},${json.slice(1)}` : `{${inner}}`);
  return fc.oneof(
    { arbitrary: fc.constant(json), weight: 6 },
    fc.constantFrom(
      inObject('"__proto__":{"isAdmin":true,"polluted":1}'),
      inObject('"constructor":{"prototype":{"polluted":1}}'),
      inObject('"body":"\\ud800 lone"'),
      inObject('"clientId":"\\udc00"'),
      json.slice(0, Math.max(1, Math.floor(json.length / 2))),
      '['.repeat(3000) + ']'.repeat(3000),
      '{"a":'.repeat(2000) + '1' + '}'.repeat(2000),
      `"${'x'.repeat(bodyLimit + 10)}"`,
      '',
      'null',
    ),
    // Invalid UTF-8 inside a JSON string: an overlong sequence, bytes UTF-8 never uses, random bytes, a truncated sequence.
    fc
      .uint8Array({ minLength: 1, maxLength: 8 })
      .map((bytes) =>
        Buffer.concat([
          Buffer.from('{"body":"'),
          Buffer.from([0xc0, 0x80, 0xff, 0xfe, ...bytes, 0xe2, 0x82]),
          Buffer.from('","clientId":"x"}'),
        ]),
      ),
  );
}
